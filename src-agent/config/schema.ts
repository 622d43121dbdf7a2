import { z } from 'zod';
import { CLOUD_NAMES, type CloudName } from './clouds.js';
import { problem } from './problems.js';

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least one dot, such as contoso.onmicrosoft.com or musterfirma.de.
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const ADDRESS_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const httpsUrl = z
  .string()
  .url(problem('https-url'))
  .refine((value) => value.startsWith('https://'), problem('https-only'))
  .transform((value) => value.replace(/\/+$/, ''));

const mailboxSchema = z
  .object({
    mailbox: z
      .string()
      .trim()
      .refine(
        (value) => ADDRESS_PATTERN.test(value) || GUID_PATTERN.test(value),
        problem('mailbox-format'),
      ),
    pickupFolderId: z.string().trim().min(1, problem('pickup-folder-id')),
    pickupFolderPath: z.string().optional(),
    includeSubfolders: z.boolean().default(false),
  })
  .strict();

const targetSchema = z
  .object({
    folder: z.string().trim().min(1, problem('target-folder')),
    stagingFolder: z.string().trim().min(1).optional(),
    importFolder: z.boolean().default(false),
  })
  .strict();

export const configSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    tenant: z
      .string()
      .trim()
      .refine(
        (value) => GUID_PATTERN.test(value) || DOMAIN_PATTERN.test(value),
        problem('tenant-format'),
      ),
    clientId: z.string().trim().regex(GUID_PATTERN, problem('client-id-format')),
    cloud: z.enum(CLOUD_NAMES as [CloudName, ...CloudName[]]).default('global'),
    endpoints: z.object({ authorityHost: httpsUrl, graphEndpoint: httpsUrl }).strict().optional(),
    extraCaFile: z.string().trim().min(1).optional(),
    secretFile: z.string().trim().min(1).optional(),
    /** A certificate credential instead of a client secret (Microsoft recommends certificates). */
    certificate: z
      .object({
        certificateFile: z.string().trim().min(1, problem('certificate-file')),
        privateKeyFile: z.string().trim().min(1, problem('private-key-file')),
      })
      .strict()
      .optional(),
    /** Expiry of the client secret, entered by hand where the app may not read its own registration. */
    secretExpiresOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, problem('date-format'))
      .optional(),
    /** An HTTP proxy for both hosts; its password is stored like the client secret. */
    proxy: z
      .object({
        url: z
          .string()
          .url(problem('proxy-url'))
          .refine((value) => /^https?:\/\//.test(value), problem('proxy-scheme')),
        username: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    mailboxes: z.array(mailboxSchema).min(1, problem('mailbox-list')),
    target: targetSchema,
    category: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((value) => !value.includes(','), problem('category-comma'))
      .default('Archiviert'),
    intervalMinutes: z.number().int().min(1).max(1440).default(15),
    maxParallelMailboxes: z.number().int().min(1).max(16).default(4),
    logRetentionDays: z.number().int().min(1).max(3650).default(30),
    logLevel: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    language: z.enum(['de', 'en']).optional(),
  })
  .strict();

/** The agent's settings after validation and defaults. */
export type AgentConfig = z.output<typeof configSchema>;
export type MailboxConfig = AgentConfig['mailboxes'][number];
/** The settings as written in config.json, where defaulted fields may be absent. */
export type AgentConfigInput = z.input<typeof configSchema>;
