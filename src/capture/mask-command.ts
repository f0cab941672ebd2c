import { mask, type SecretMasker } from './secret-mask.js';
import { isSecretName } from './secret-names.js';

// Inside one argument (`sh -c "train --password x"`): a flag with its value, or NAME=value.
const flagInText = /(?<![\w-])(--?[A-Za-z][\w.-]{0,63})(=|\s+)("[^"]{0,512}"|'[^']{0,512}'|[^\s"']{1,512})/g;
const assignmentInText = /(?<![\w.-])([A-Za-z_][\w.-]{0,63})=("[^"]{0,512}"|'[^']{0,512}'|[^\s"'&;]{1,512})/g;

function maskText(text: string, masker: SecretMasker): string {
  return masker
    .mask(text)
    .replace(flagInText, (whole, flag: string, sep: string) => (isSecretName(flag) ? `${flag}${sep}${mask}` : whole))
    .replace(assignmentInText, (whole, name: string) => (isSecretName(name) ? `${name}=${mask}` : whole));
}

/**
 * A command line as recorded: values of secret-named flags (`--password x`, `--token=y`) and
 * assignments (`DB_PASS=x`), and whatever the masker finds (env values, token shapes, URL
 * credentials), become `***`.
 */
export function maskCommand(args: readonly string[], masker: SecretMasker): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const previous = args[i - 1];
    // `--password x`: the value is the next argument, unless it is a flag itself.
    if (previous !== undefined && /^--?[A-Za-z][\w.-]*$/.test(previous) && isSecretName(previous) && !arg.startsWith('-')) {
      out.push(mask);
      continue;
    }
    out.push(maskText(arg, masker));
  }
  return out;
}
