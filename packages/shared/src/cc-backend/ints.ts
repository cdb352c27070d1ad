import { z } from 'zod';

// Go decodes into fixed-width ints and rejects fractions and exponents; JSON numbers we accept
// must therefore be integers within the Go type's range (int64 is capped at JS's safe range).
export const int32 = () => z.number().int().min(-2147483648).max(2147483647);
export const int64 = () => z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
