// `restart UNIT…`: restart jobs: stop then start under one job id (06 §3, §10.2).
import { jobVerb } from './verb.ts';

export default jobVerb({ request: 'restart', word: 'restart', allowWait: true });
