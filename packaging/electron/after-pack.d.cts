/** Types of after-pack.cjs for the TypeScript tests. */
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { executableName: string; appInfo: { productFilename: string } };
}

export declare function afterPack(context: PackContext, fusesModule?: unknown): Promise<void>;
export declare function electronBinary(context: PackContext): string;
export declare function resourcesDir(context: PackContext): string;
export declare const FUSE_DISABLED: number;
export declare const FUSE_ENABLED: number;
