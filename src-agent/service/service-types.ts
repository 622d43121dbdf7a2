/** State of the agent's service as the service manager reports it. */
export interface ServiceStatus {
  installed: boolean;
  running: boolean;
  /** True when the service starts with the machine; undefined where the platform does not report it. */
  enabled?: boolean;
  /** The service manager's own words, for the admin. */
  detail: string;
}

/** The four service actions and the status, the same on every platform; `Plan` is what install needs there. */
export interface ServiceManager<Plan> {
  /** Writes the unit or service definition, creates account, group and data directory, and registers the service. Returns notes for the admin. */
  install(plan: Plan): Promise<ServiceNote[]>;
  /** Stops and unregisters the service. The data directory, the account and the credentials stay. */
  uninstall(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): Promise<ServiceStatus>;
}

/** A hint after install, for the admin: the CLI turns it into German or English text. */
export type ServiceNote =
  | { kind: 'unit-written'; path: string }
  | { kind: 'secret-stored'; path: string }
  | { kind: 'secret-missing'; path: string; credentialName: string; mode: 'encrypted' | 'file' }
  | { kind: 'target-access'; path: string; user: string }
  | { kind: 'account-password'; account: string };
