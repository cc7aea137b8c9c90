// Substitutes `${...}` references into a `shell: true` command so that a
// value can never become shell code, whatever quoting the reference sits in.
//
// Wrapping every value in single quotes is not enough: inside "..." the
// quotes are literal and "$(...)" in the value still runs; the same holds in
// a here-document body. So the command is scanned like sh reads it, and each
// value is quoted for the context of its reference:
//   unquoted         'value' (one word)
//   "..."            backslash before \ $ ` "
//   '...'            close the quote, add 'value' quoted, reopen: '\''
//   `...`            the above, then backslash before \ $ ` for the backquote
//   # comment        newlines become spaces (a newline would end the comment)
//   here-document    like "..." without the quote mark (or as-is under a
//                    quoted delimiter); newlines become spaces, since a line
//                    equal to the delimiter would end the body early (under
//                    a quoted delimiter a value that is itself the whole
//                    delimiter line cannot be written and still does)
import { classifyRef, shellQuote, type RefKind } from './vars.js';

type Context =
  | { kind: 'plain'; subst: boolean; parens: number } // top level or inside $( )
  | { kind: 'double' }
  | { kind: 'single' }
  | { kind: 'backquote' }
  | { kind: 'comment' }
  | { kind: 'heredoc'; delimiter: string; expands: boolean; stripTabs: boolean };

// Same references as vars.ts REF, anchored at one position.
const REF_AT = /\$(\$)?\{([^{}]*)\}/y;
const HEREDOC = /<<(-?)[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|\\?([A-Za-z0-9_.-]+))/y;

export function substituteShell(text: string, lookup: (ref: RefKind, raw: string) => string | undefined): string {
  const stack: Context[] = [{ kind: 'plain', subst: false, parens: 0 }];
  const pendingHeredocs: Extract<Context, { kind: 'heredoc' }>[] = [];
  let out = '';
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  const atWordStart = () => i === 0 || /[\s;&|()<>]/.test(text[i - 1]!);

  while (i < text.length) {
    const ctx = top();
    const ch = text[i]!;

    if (ch === '$') {
      REF_AT.lastIndex = i;
      const m = REF_AT.exec(text);
      if (m) {
        i += m[0].length;
        if (m[1]) {
          out += m[0].slice(1); // $${...} is a literal ${...}
          continue;
        }
        const value = lookup(classifyRef(m[2]!), m[2]!);
        if (value === undefined) {
          out += m[0];
          continue;
        }
        let quoted = quoteFor(stack, value);
        const ctxNow = top();
        if (ctxNow.kind === 'heredoc' && ctxNow.expands) {
          // A body line equal to the delimiter would end the here-document
          // early and run the rest of the body as commands; `$(:)` expands to
          // nothing but makes the line differ.
          const lineEnd = text.indexOf('\n', i);
          const line = out.slice(out.lastIndexOf('\n') + 1) + quoted + text.slice(i, lineEnd === -1 ? text.length : lineEnd);
          if ((ctxNow.stripTabs ? line.replace(/^\t+/, '') : line) === ctxNow.delimiter) quoted = `$(:)${quoted}`;
        }
        out += quoted;
        continue;
      }
    }

    switch (ctx.kind) {
      case 'single':
        if (ch === "'") stack.pop();
        out += ch;
        i++;
        continue;
      case 'comment':
        if (ch === '\n') {
          stack.pop();
          continue; // the newline is handled by the enclosing context (it may start a here-document)
        }
        out += ch;
        i++;
        continue;
      case 'heredoc': {
        // At the start of each body line: is it the delimiter?
        if (i === 0 || text[i - 1] === '\n') {
          const end = text.indexOf('\n', i);
          const line = text.slice(i, end === -1 ? text.length : end);
          if ((ctx.stripTabs ? line.replace(/^\t+/, '') : line) === ctx.delimiter) {
            stack.pop();
            out += line;
            i += line.length;
            continue;
          }
        }
        if (ch === '\\' && ctx.expands && i + 1 < text.length) {
          out += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (ctx.expands && ch === '$' && text[i + 1] === '(') {
          stack.push({ kind: 'plain', subst: true, parens: 0 });
          out += '$(';
          i += 2;
          continue;
        }
        if (ctx.expands && ch === '`') stack.push({ kind: 'backquote' });
        out += ch;
        i++;
        continue;
      }
      case 'double':
        if (ch === '\\' && i + 1 < text.length) {
          out += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (ch === '"') stack.pop();
        else if (ch === '$' && text[i + 1] === '(') {
          stack.push({ kind: 'plain', subst: true, parens: 0 });
          out += '$(';
          i += 2;
          continue;
        } else if (ch === '`') stack.push({ kind: 'backquote' });
        out += ch;
        i++;
        continue;
      case 'plain':
      case 'backquote': {
        if (ch === '\\' && i + 1 < text.length) {
          out += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (ch === '`') {
          if (ctx.kind === 'backquote') stack.pop();
          else stack.push({ kind: 'backquote' });
        } else if (ch === "'") {
          stack.push({ kind: 'single' });
        } else if (ch === '"') {
          stack.push({ kind: 'double' });
        } else if (ch === '#' && atWordStart()) {
          stack.push({ kind: 'comment' });
        } else if (ch === '$' && text[i + 1] === '(') {
          stack.push({ kind: 'plain', subst: true, parens: 0 });
          out += '$(';
          i += 2;
          continue;
        } else if (ctx.kind === 'plain' && ch === '(') {
          ctx.parens++;
        } else if (ctx.kind === 'plain' && ch === ')') {
          if (ctx.parens > 0) ctx.parens--;
          else if (ctx.subst) stack.pop();
        } else if (ch === '<' && text[i + 1] === '<') {
          HEREDOC.lastIndex = i;
          const h = HEREDOC.exec(text);
          if (h) {
            const quoted = h[2] !== undefined || h[3] !== undefined || h[0].includes('\\');
            pendingHeredocs.push({ kind: 'heredoc', delimiter: h[2] ?? h[3] ?? h[4]!, expands: !quoted, stripTabs: h[1] === '-' });
            out += h[0];
            i += h[0].length;
            continue;
          }
        } else if (ch === '\n' && pendingHeredocs.length > 0) {
          // Bodies follow in order; the first one is innermost on the stack.
          out += ch;
          i++;
          stack.push(...pendingHeredocs.splice(0).reverse());
          continue;
        }
        out += ch;
        i++;
        continue;
      }
    }
  }
  return out;
}

/** The value written so that, read in the contexts of `stack`, it is exactly the value. */
function quoteFor(stack: Context[], value: string): string {
  const inner = stack[stack.length - 1]!;
  let quoted: string;
  switch (inner.kind) {
    case 'plain':
    case 'backquote':
      quoted = shellQuote(value);
      break;
    case 'double':
      quoted = value.replace(/[\\$`"]/g, '\\$&');
      break;
    case 'single':
      quoted = `'${shellQuote(value)}'`;
      break;
    case 'comment':
      quoted = value.replace(/[\r\n]/g, ' ');
      break;
    case 'heredoc':
      quoted = inner.expands ? value.replace(/[\\$`]/g, '\\$&').replace(/[\r\n]/g, ' ') : value.replace(/[\r\n]/g, ' ');
      break;
  }
  // Each enclosing backquote strips one level of \\, \$ and \` before its body is read.
  // (Backquotes nested inside backquotes, written \`, are not modelled.)
  for (const ctx of stack) if (ctx.kind === 'backquote') quoted = quoted.replace(/[\\$`]/g, '\\$&');
  return quoted;
}
