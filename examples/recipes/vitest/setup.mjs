import { beforeEach } from 'vitest';
import { server } from './server.mjs';

beforeEach(() => server.reset());
