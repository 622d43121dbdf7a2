import type { z } from 'zod';

/**
 * The admin's text for what is wrong with one config value, in both languages. The schema names
 * its own rules by key (such as `tenant-format`); zod's built-in checks are described by issue code.
 */
const PROBLEMS = {
  'https-url': {
    en: 'must be a URL such as https://graph.microsoft.com',
    de: 'muss eine URL wie https://graph.microsoft.com sein',
  },
  'https-only': {
    en: 'must start with https://, since Entra ID and Graph accept only HTTPS',
    de: 'muss mit https:// beginnen, da Entra ID und Graph nur HTTPS annehmen',
  },
  'mailbox-format': {
    en: 'must be an e-mail address (user principal name) or a user object ID',
    de: 'muss eine E-Mail-Adresse (Benutzerprinzipalname) oder eine Benutzerobjekt-ID sein',
  },
  'pickup-folder-id': {
    en: 'must be the ID of the pickup folder; "npm run sim" prints the IDs of the demo tenant',
    de: 'muss die ID des Abholordners sein; "npm run sim" zeigt die IDs des Demo-Mandanten',
  },
  'target-folder': {
    en: 'must name the folder that the archive imports from',
    de: 'muss den Ordner nennen, aus dem das Archiv importiert',
  },
  'tenant-format': {
    en: 'must be the tenant ID (a GUID) or the primary domain such as contoso.onmicrosoft.com',
    de: 'muss die Mandanten-ID (eine GUID) oder die primäre Domäne wie contoso.onmicrosoft.com sein',
  },
  'client-id-format': {
    en: 'must be the application (client) ID, a GUID such as 00000000-0000-0000-0000-000000000000',
    de: 'muss die Anwendungs-ID (Client) sein, eine GUID wie 00000000-0000-0000-0000-000000000000',
  },
  'certificate-file': {
    en: 'must name the PEM file with the certificate uploaded to the app registration',
    de: 'muss die PEM-Datei mit dem Zertifikat nennen, das in der App-Registrierung hochgeladen ist',
  },
  'private-key-file': {
    en: "must name the PEM file with the certificate's private key",
    de: 'muss die PEM-Datei mit dem privaten Schlüssel des Zertifikats nennen',
  },
  'date-format': {
    en: 'must be a date such as 2027-06-30',
    de: 'muss ein Datum wie 2027-06-30 sein',
  },
  'proxy-url': {
    en: 'must be a URL such as http://proxy.example:3128',
    de: 'muss eine URL wie http://proxy.example:3128 sein',
  },
  'proxy-scheme': {
    en: 'must start with http:// or https://',
    de: 'muss mit http:// oder https:// beginnen',
  },
  'mailbox-list': {
    en: 'must list at least one mailbox',
    de: 'muss mindestens ein Postfach enthalten',
  },
  'category-comma': {
    en: 'must not contain a comma, which Outlook uses to separate categories',
    de: 'darf kein Komma enthalten, da Outlook Kategorien durch Kommas trennt',
  },
} as const;

export type ProblemKey = keyof typeof PROBLEMS;

/** Returns the key as the schema's message; `describeIssue` turns it back into both texts. */
export function problem(key: ProblemKey): string {
  return key;
}

export interface ProblemText {
  en: string;
  de: string;
}

/** Describes a zod issue for the admin in English and German. */
export function describeIssue(issue: z.core.$ZodIssue): ProblemText {
  if (issue.message in PROBLEMS) {
    return PROBLEMS[issue.message as ProblemKey];
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return { en: 'unknown setting; check its spelling', de: 'unbekannte Einstellung; prüfen Sie die Schreibweise' };
    case 'invalid_type':
      if (issue.input === undefined) {
        return { en: 'missing', de: 'fehlt' };
      }
      return { en: `must be of type ${issue.expected}`, de: `muss vom Typ ${issue.expected} sein` };
    case 'too_small':
      return describeBound('min', issue.origin, Number(issue.minimum));
    case 'too_big':
      return describeBound('max', issue.origin, Number(issue.maximum));
    case 'invalid_value': {
      const values = issue.values.map((value) => JSON.stringify(value)).join(', ');
      return { en: `must be one of ${values}`, de: `muss einer dieser Werte sein: ${values}` };
    }
    case 'invalid_format':
      return { en: `is not a valid ${issue.format}`, de: `ist kein gültiges Format (${issue.format})` };
    default:
      return { en: issue.message, de: issue.message };
  }
}

function describeBound(kind: 'min' | 'max', origin: string, limit: number): ProblemText {
  if (origin === 'string') {
    return kind === 'min' && limit === 1
      ? { en: 'must not be empty', de: 'darf nicht leer sein' }
      : { en: `must have at ${kind === 'min' ? 'least' : 'most'} ${limit} characters`, de: `muss ${kind === 'min' ? 'mindestens' : 'höchstens'} ${limit} Zeichen haben` };
  }
  if (origin === 'array') {
    return { en: `must have at ${kind === 'min' ? 'least' : 'most'} ${limit} entries`, de: `muss ${kind === 'min' ? 'mindestens' : 'höchstens'} ${limit} Einträge haben` };
  }
  return kind === 'min'
    ? { en: `must be at least ${limit}`, de: `muss mindestens ${limit} sein` }
    : { en: `must be at most ${limit}`, de: `darf höchstens ${limit} sein` };
}
