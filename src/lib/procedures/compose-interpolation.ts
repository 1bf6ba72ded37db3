import { type Outcome, accept, refuse, show } from '../shared/index.ts';
import { type VariableLookup, undeclaredVariableReason } from './declared-variables.ts';

// Compose's interpolation (compose-spec "interpolation"): $VAR, ${VAR}, ${VAR:-default},
// ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+replacement}, ${VAR+replacement}, and
// $$ for a literal $; defaults may nest (${A:-${B}}). Compose reads the values from the shell
// and from .env; here the only values are the system's declared variables, so a variable that
// is not declared is "unset" and, where compose would have used an empty string, is refused.

/** Where a value is being interpolated, and which variables it may use. */
export interface InterpolationContext {
  lookup: VariableLookup;
  /** Named in messages, e.g. `compose.prod.yaml: services.runner.image`. */
  where: string;
  /**
   * The project folder has a `.env` file, which compose would read for unset variables: any
   * undeclared variable is then refused, defaults or not, rather than silently differ.
   */
  dotenvPresent: boolean;
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Substitutes every variable in `text`, or says which one keeps it from being resolved. */
export function interpolate(text: string, context: InterpolationContext): Outcome<string> {
  let out = '';
  let at = 0;
  while (at < text.length) {
    const dollar = text.indexOf('$', at);
    if (dollar === -1) {
      out += text.slice(at);
      break;
    }
    out += text.slice(at, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      at = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close === -1) return refuse(`${context.where}: ${show(text)} has a \${ without its closing }`);
      const value = braced(text.slice(dollar + 2, close), context);
      if (!value.ok) return value;
      out += value.value;
      at = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(dollar + 1))?.[0];
    if (name === undefined) {
      return refuse(`${context.where}: ${show(text)} has a $ that starts no variable; write $$ for a literal $`);
    }
    const value = lookupOrRefuse(name, context);
    if (!value.ok) return value;
    out += value.value;
    at = dollar + 1 + name.length;
  }
  return accept(out);
}

// The } that closes the ${ whose body starts at `from`, skipping nested ${…}.
function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '$' && text[i + 1] === '$') i += 1;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth += 1;
      i += 1;
    } else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function braced(body: string, context: InterpolationContext): Outcome<string> {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) return refuse(`${context.where}: \${${body}} does not start with a variable name`);
  const rest = body.slice(name.length);
  if (rest === '') return lookupOrRefuse(name, context);
  const operator = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (operator === undefined) {
    return refuse(`${context.where}: \${${body}} uses ${show(rest)}, which compose interpolation does not have; use :-, -, :?, ?, :+ or +`);
  }
  const argument = rest.slice(operator.length);
  const value = context.lookup(name);
  if (value === undefined && context.dotenvPresent) return refuse(dotenvReason(name, context));
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (operator) {
    case ':-':
      return nonEmpty ? accept(value) : interpolate(argument, context);
    case '-':
      return set ? accept(value) : interpolate(argument, context);
    case ':?':
    case '?': {
      if (operator === ':?' ? nonEmpty : set) return accept(value ?? '');
      const message = interpolate(argument, context);
      const said = message.ok && message.value !== '' ? ` (${message.value})` : '';
      return refuse(`${context.where}: variable ${name} is required${said}; declare ${name} under variables in the systems configuration`);
    }
    case ':+':
      return nonEmpty ? interpolate(argument, context) : accept('');
    default:
      return set ? interpolate(argument, context) : accept('');
  }
}

function lookupOrRefuse(name: string, context: InterpolationContext): Outcome<string> {
  const value = context.lookup(name);
  if (value !== undefined) return accept(value);
  if (context.dotenvPresent) return refuse(dotenvReason(name, context));
  return refuse(undeclaredVariableReason(name, `used in ${context.where}`));
}

function dotenvReason(name: string, context: InterpolationContext): string {
  return (
    `variable ${name} (used in ${context.where}) is not declared, and compose would look for it in the project's .env ` +
    `file, which runbook-live does not read; declare ${name} under variables in the systems configuration`
  );
}
