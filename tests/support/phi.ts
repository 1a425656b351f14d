/**
 * The PHI words a text holds, each matched only as a word of its own (no letter or digit touching
 * it). A bare substring test is flaky wherever the text also carries random ids: "1948" sits inside
 * about one random UUID in two thousand ("19484fd5-…" failed a clean CI run), so tests name a birth
 * date in every form it is written (1948-02-29, 19480229, 02/29/1948), never a bare year.
 */
export function phiIn(text: string, words: readonly string[]): string[] {
  return words.filter((word) => {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text);
  });
}
