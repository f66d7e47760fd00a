// `reload UNIT…`: reload jobs (ExecReload=); an inactive unit fails with 'invalid' (06 §3).
import { jobVerb } from './verb.ts';

export default jobVerb({ request: 'reload', word: 'reload' });
