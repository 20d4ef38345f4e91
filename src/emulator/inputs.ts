// The inputs of an embeddings request (a synchronous one or a batch line): body.input in the four
// shapes the API takes (CreateEmbeddingRequest): a string, an array of strings, an array of token ids,
// an array of token-id arrays; each array of 1 to 2,048 items. Token ids are cl100k_base's, the
// encoding of OpenAI's embedding models: an input sent as tokens is embedded as the text they decode
// to, so it gets the vector of that text, as a model would give it.
import { decode } from 'gpt-tokenizer/encoding/cl100k_base';

export type EmbeddingInput = string | readonly number[];

/** The most items an input array may have (the spec's maxItems); more is a 400. */
export const MAX_INPUTS = 2048;

/** The API's answer to an input of none of its shapes, and to an array of more than MAX_INPUTS. */
export const INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/** body.input as a list of inputs, or null when it is none the API takes (then the request is a 400). */
export function embeddingInputs(input: unknown): EmbeddingInput[] | null {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) return null;
  if (input.every((x) => typeof x === 'string')) return input as string[];
  if (isTokens(input)) return [input];
  if (input.every(isTokens)) return input as number[][];
  return null;
}

/** The text an input stands for: the string, or its tokens decoded. */
export function inputText(input: EmbeddingInput): string {
  return typeof input === 'string' ? input : decode(input as number[]);
}

/** Its tokens: a string counted by `countTokens`, a token array by its length. */
export function inputTokens(input: EmbeddingInput, countTokens: (text: string) => number): number {
  return typeof input === 'string' ? countTokens(input) : input.length;
}

// A non-empty array of ids the encoding knows (an unknown id cannot be embedded: a 400).
function isTokens(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((x) => Number.isInteger(x))) return false;
  try {
    decode(value);
    return true;
  } catch {
    return false;
  }
}
