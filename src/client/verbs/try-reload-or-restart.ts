// `try-reload-or-restart UNIT…`: like reload-or-restart but only for active units (06 §3).
import { jobVerb } from './verb.ts';

export default jobVerb({ request: 'try-reload-or-restart', word: 'reload-or-try-restart', ignoreMasked: true });
