// Loaded with `node --import` (NODE_OPTIONS) into a process under test: registers the resolve hook below.
import { register } from 'node:module';

register('./loaded-modules-hook.mjs', import.meta.url);
