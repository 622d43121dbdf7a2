/** Types of fuses.cjs for the TypeScript tests. */
export declare const FUSES: Readonly<Record<string, boolean>>;

export declare function fuseConfig(fusesModule: {
  FuseVersion: { V1: string };
  FuseV1Options: Record<string, string | number>;
}): Record<string | number, string | boolean>;
