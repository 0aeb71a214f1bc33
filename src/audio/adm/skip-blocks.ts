/**
 * An ADM document is almost all audioBlockFormats (a 2-minute master with moving objects: 20 MB of
 * them), and the structure readers (the ADM report, the renderer's scan) need at most each channel's
 * first block. This feeds a SAX parser the document with the other blocks cut out, counted instead: the
 * parser checks and sees everything else. A cut is made only where the parser stands between elements
 * of an audioChannelFormat (`canSkip`), and only of a whole block with no comment, CDATA or processing
 * instruction in it (text inside a comment is never cut across its end). The renderer's block cursors
 * read every block in full, so nothing the render uses goes unchecked.
 */

const OPEN = /<(?:[A-Za-z_][\w.-]*:)?audioBlockFormat(?=[\s/>])/g;
const CLOSE = /<\/(?:[A-Za-z_][\w.-]*:)?audioBlockFormat\s*>/g;
const UNSAFE = /<!--|-->|<!\[CDATA\[|\]\]>|<\?/;
/** Past this a block is not held back whole: written through (the parser then reads it). */
const MAX_HELD = 1 << 20;

export class BlockSkipper {
  /** Characters cut so far (add to the parser's position for the document's). */
  dropped = 0;
  /** Line breaks cut so far (add to the parser's line). */
  droppedLines = 0;
  /** Blocks cut so far. */
  skipped = 0;
  private held = '';

  constructor(
    private readonly write: (text: string) => void,
    /** Called with everything before a block written: may this block be cut (the parser stands in a channel, past what it needs)? */
    private readonly canSkip: () => boolean,
    /** Called for each block cut. */
    private readonly onSkipped: () => void,
  ) {}

  push(text: string): void {
    const buf = this.held + text;
    this.held = '';
    let i = 0;
    OPEN.lastIndex = 0;
    for (;;) {
      const m = OPEN.exec(buf);
      if (!m) break;
      const s = m.index;
      // the block's end: a self-closing open tag, or its close tag
      const gt = buf.indexOf('>', s);
      if (gt < 0) break;
      let e: number;
      if (buf[gt - 1] === '/') e = gt + 1;
      else {
        CLOSE.lastIndex = gt;
        const c = CLOSE.exec(buf);
        if (!c) break;
        e = c.index + c[0].length;
      }
      if (s > i) this.write(buf.slice(i, s));
      i = s;
      const body = buf.slice(s, e);
      if (this.canSkip() && !UNSAFE.test(body)) {
        this.dropped += e - s;
        for (let k = body.indexOf('\n'); k >= 0; k = body.indexOf('\n', k + 1)) this.droppedLines++;
        this.skipped++;
        this.onSkipped();
        i = e;
      }
      // a block kept is passed whole (blocks hold no blocks; one in its CDATA or comment is text)
      OPEN.lastIndex = e;
    }
    // hold back from an unfinished block (or a tag name cut by the chunk boundary) to the next chunk
    let keep = buf.length;
    const lastOpen = buf.lastIndexOf('<');
    if (lastOpen >= i) keep = lastOpen;
    OPEN.lastIndex = i;
    for (let m = OPEN.exec(buf); m; m = OPEN.exec(buf)) {
      if (m.index >= i) {
        keep = Math.min(keep, m.index);
        break;
      }
    }
    if (buf.length - keep > MAX_HELD) keep = buf.length;
    if (keep > i) this.write(buf.slice(i, keep));
    this.held = buf.slice(Math.max(i, keep));
  }

  /** Write what is held back (at the end of the document). */
  end(): void {
    if (this.held) this.write(this.held);
    this.held = '';
  }
}
