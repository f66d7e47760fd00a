// `start UNIT…`: start jobs for the units, then wait for them unless --no-block (06 §3).
import { jobVerb } from './verb.ts';

export default jobVerb({ request: 'start', word: 'start', allowWait: true });
