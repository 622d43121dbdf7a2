/**
 * A parser and evaluator for the part of OData's `$filter` grammar that Graph's mail and user
 * endpoints accept: comparisons, `and`, `or`, `not`, `startswith(...)` and the
 * `categories/any(c:c eq 'X')` lambda.
 */

export type FilterOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterLiteral = string | number | boolean | null | Date;

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; property: string; operator: FilterOperator; value: FilterLiteral }
  | { type: 'any'; property: string; operator: FilterOperator; value: FilterLiteral }
  | { type: 'startswith'; property: string; value: string };

export class FilterSyntaxError extends Error {}

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'punct'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    const char = input[index]!;
    if (/\s/.test(char)) {
      index++;
    } else if (char === "'") {
      let text = '';
      index++;
      for (;;) {
        if (index >= input.length) throw new FilterSyntaxError('unterminated string literal');
        if (input[index] === "'" && input[index + 1] === "'") {
          text += "'";
          index += 2;
        } else if (input[index] === "'") {
          index++;
          break;
        } else {
          text += input[index];
          index++;
        }
      }
      tokens.push({ kind: 'string', text });
    } else if ('(),:'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      index++;
    } else {
      const match = /^[A-Za-z0-9_./+\-:.]+/.exec(input.slice(index));
      if (match === null) throw new FilterSyntaxError(`unexpected character '${char}'`);
      // A colon belongs to the word only inside a date-time literal such as 2024-01-01T10:00:00Z.
      const word = /^\d{4}-\d{2}-\d{2}/.test(match[0]) ? match[0] : match[0].split(':')[0]!;
      tokens.push({ kind: 'word', text: word });
      index += word.length;
    }
  }
  return tokens;
}

const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.parseOr();
    if (this.position < this.tokens.length) throw new FilterSyntaxError(`unexpected '${this.tokens[this.position]!.text}'`);
    return node;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.position];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  }

  private expectPunct(text: string): void {
    const token = this.tokens[this.position];
    if (token?.kind !== 'punct' || token.text !== text) throw new FilterSyntaxError(`expected '${text}'`);
    this.position++;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.peekWord() === 'or') {
      this.position++;
      left = { type: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.peekWord() === 'and') {
      this.position++;
      left = { type: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    if (this.peekWord() === 'not') {
      this.position++;
      return { type: 'not', operand: this.parseUnary() };
    }
    const token = this.tokens[this.position];
    if (token?.kind === 'punct' && token.text === '(') {
      this.position++;
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): FilterNode {
    const token = this.tokens[this.position];
    if (token?.kind !== 'word') throw new FilterSyntaxError('expected a property name');
    this.position++;

    if (token.text.toLowerCase() === 'startswith') return this.parseStartsWith();
    if (token.text.toLowerCase().endsWith('/any')) return this.parseAny(token.text.slice(0, -'/any'.length));

    const operator = this.peekWord();
    if (operator === undefined || !OPERATORS.has(operator)) throw new FilterSyntaxError(`expected a comparison after '${token.text}'`);
    this.position++;
    return { type: 'compare', property: token.text, operator: operator as FilterOperator, value: this.parseLiteral() };
  }

  private parseStartsWith(): FilterNode {
    this.expectPunct('(');
    const property = this.tokens[this.position];
    if (property?.kind !== 'word') throw new FilterSyntaxError('startswith needs a property');
    this.position++;
    this.expectPunct(',');
    const value = this.tokens[this.position];
    if (value?.kind !== 'string') throw new FilterSyntaxError('startswith needs a string literal');
    this.position++;
    this.expectPunct(')');
    return { type: 'startswith', property: property.text, value: value.text };
  }

  private parseAny(property: string): FilterNode {
    this.expectPunct('(');
    const variable = this.tokens[this.position];
    if (variable?.kind !== 'word') throw new FilterSyntaxError('any needs a lambda variable');
    this.position++;
    this.expectPunct(':');
    const reference = this.tokens[this.position];
    if (reference?.kind !== 'word' || reference.text !== variable.text) throw new FilterSyntaxError('the lambda body must compare the lambda variable');
    this.position++;
    const operator = this.peekWord();
    if (operator === undefined || !OPERATORS.has(operator)) throw new FilterSyntaxError('expected a comparison in the lambda body');
    this.position++;
    const value = this.parseLiteral();
    this.expectPunct(')');
    return { type: 'any', property, operator: operator as FilterOperator, value };
  }

  private parseLiteral(): FilterLiteral {
    const token = this.tokens[this.position];
    if (token === undefined || token.kind === 'punct') throw new FilterSyntaxError('expected a literal');
    this.position++;
    if (token.kind === 'string') return token.text;

    const text = token.text;
    if (text === 'true' || text === 'false') return text === 'true';
    if (text === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) {
      const time = Date.parse(text);
      if (!Number.isNaN(time)) return new Date(time);
    }
    throw new FilterSyntaxError(`'${text}' is not a valid literal`);
  }
}

/** Parses a `$filter` value; throws FilterSyntaxError with a short reason. */
export function parseFilter(expression: string): FilterNode {
  return new Parser(tokenize(expression)).parse();
}

/** Properties the filter names, in order of appearance (Graph's InefficientFilter rule needs the order). */
export function filterProperties(node: FilterNode): string[] {
  switch (node.type) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.operand);
    default:
      return [node.property];
  }
}

function compare(left: unknown, operator: FilterOperator, right: FilterLiteral): boolean {
  const a = right instanceof Date && typeof left === 'string' ? Date.parse(left) : left;
  const b = right instanceof Date ? right.getTime() : right;
  const normalize = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);
  switch (operator) {
    case 'eq':
      return normalize(a) === normalize(b);
    case 'ne':
      return normalize(a) !== normalize(b);
    case 'gt':
      return (a as number) > (b as number);
    case 'ge':
      return (a as number) >= (b as number);
    case 'lt':
      return (a as number) < (b as number);
    case 'le':
      return (a as number) <= (b as number);
  }
}

/** Evaluates the filter; `resolve` returns a property's value (string comparisons ignore case, as Exchange's do). */
export function evaluateFilter(node: FilterNode, resolve: (property: string) => unknown): boolean {
  switch (node.type) {
    case 'and':
      return evaluateFilter(node.left, resolve) && evaluateFilter(node.right, resolve);
    case 'or':
      return evaluateFilter(node.left, resolve) || evaluateFilter(node.right, resolve);
    case 'not':
      return !evaluateFilter(node.operand, resolve);
    case 'compare':
      return compare(resolve(node.property), node.operator, node.value);
    case 'startswith': {
      const value = resolve(node.property);
      return typeof value === 'string' && value.toLowerCase().startsWith(node.value.toLowerCase());
    }
    case 'any': {
      const values = resolve(node.property);
      return Array.isArray(values) && values.some((value) => compare(value, node.operator, node.value));
    }
  }
}
