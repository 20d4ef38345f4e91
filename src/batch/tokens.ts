// tokens: counting and cutting inputs with cl100k_base, the encoding of OpenAI's embedding models
// (gpt-tokenizer: pure JavaScript, maintained). Special-token text such as "<|endoftext|>" in a row is
// plain text to the embeddings endpoint, so it is counted as plain text here too.
import { decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';

const PLAIN = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  return encode(text, PLAIN).length;
}

export interface Fitted {
  text: string;
  tokens: number;
  /** Whether the text was cut to fit. */
  truncated: boolean;
}

/**
 * The text as it fits in `limit` tokens: unchanged when it does, else its first `limit` tokens decoded
 * back to text. A cut can split a character's bytes (decoded as U+FFFD, dropped) and re-encoding a
 * prefix can merge differently, so the result is counted again and cut further until it fits.
 */
export function fitTokens(text: string, limit: number): Fitted {
  let tokens = encode(text, PLAIN);
  if (tokens.length <= limit) return { text, tokens: tokens.length, truncated: false };
  let keep = limit;
  for (;;) {
    const cut = decode(tokens.slice(0, keep)).replace(/\uFFFD+$/, '');
    const count = encode(cut, PLAIN).length;
    if (count <= limit) return { text: cut, tokens: count, truncated: true };
    keep -= count - limit;
    tokens = tokens.slice(0, Math.max(keep, 0));
  }
}
