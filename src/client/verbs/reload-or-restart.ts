// `reload-or-restart UNIT…`: reload if the unit can reload, else restart (06 §3, 02 §2.4).
import { jobVerb } from './verb.ts';

export default jobVerb({ request: 'reload-or-restart', word: 'reload-or-restart' });
