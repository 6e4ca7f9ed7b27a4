import { beforeEach } from '@jest/globals';
import { server } from './server.mjs';

beforeEach(() => server.reset());
