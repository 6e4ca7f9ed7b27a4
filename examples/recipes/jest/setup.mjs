// jest's globals: test, expect, beforeEach.
import { server } from './server.mjs';

beforeEach(() => server.reset());
