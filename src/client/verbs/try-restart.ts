// `try-restart UNIT…`: restart only units that are active; masked units are skipped silently (06 §3).
import { jobVerb } from './verb.ts';

export default jobVerb({ request: 'try-restart', word: 'try-restart', ignoreMasked: true });
