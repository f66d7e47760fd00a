// `stop UNIT…`: stop jobs; afterwards warns about units that can still activate them (06 §3, §9).
import { jobVerb } from './verb.ts';

export default jobVerb({ request: 'stop', word: 'stop', warnTriggers: true });
