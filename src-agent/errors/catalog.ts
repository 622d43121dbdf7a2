import type { ErrorCode } from './codes.js';

export type Language = 'de' | 'en';

/** The admin's text for one error code in one language. */
export interface CatalogText {
  message: string;
  remedy: string;
}

export type CatalogEntry = Record<Language, CatalogText>;

/**
 * Admin-facing text for every error code. Placeholders in braces (`{field}`) are filled from
 * the error's details; a placeholder without a value stays visible rather than vanishing.
 */
export const CATALOG: Record<ErrorCode, CatalogEntry> = {
  CONFIG_NOT_FOUND: {
    en: {
      message: 'The configuration file {path} does not exist.',
      remedy: 'Create it as README.md describes under "Point the agent at your tenant", or pass the right file with --config or the folder with --data-dir.',
    },
    de: {
      message: 'Die Konfigurationsdatei {path} existiert nicht.',
      remedy: 'Legen Sie sie an, wie README.de.md unter „Den Agenten mit Ihrem Mandanten verbinden“ beschreibt, oder geben Sie die richtige Datei mit --config bzw. den Ordner mit --data-dir an.',
    },
  },
  CONFIG_INVALID: {
    en: {
      message: 'The configuration is invalid at "{field}": {problem}',
      remedy: 'Correct or add "{field}" in {path} and start the agent again.',
    },
    de: {
      message: 'Die Konfiguration ist ungültig bei „{field}“: {problem}',
      remedy: 'Korrigieren oder ergänzen Sie „{field}“ in {path} und starten Sie den Agenten neu.',
    },
  },
  CONFIG_UNREADABLE: {
    en: {
      message: 'The configuration file {path} could not be read: {problem}',
      remedy: 'Check that the file is valid JSON and that the agent\'s account may read it.',
    },
    de: {
      message: 'Die Konfigurationsdatei {path} konnte nicht gelesen werden: {problem}',
      remedy: 'Prüfen Sie, ob die Datei gültiges JSON ist und das Konto des Agenten sie lesen darf.',
    },
  },
  DATA_DIR_UNUSABLE: {
    en: {
      message: 'The data directory {path} cannot be used: {problem}',
      remedy: 'Create the folder and give the agent\'s account write access, or set M365_ARCHIVER_DATA_DIR to another folder.',
    },
    de: {
      message: 'Das Datenverzeichnis {path} ist nicht nutzbar: {problem}',
      remedy: 'Legen Sie den Ordner an und geben Sie dem Konto des Agenten Schreibrechte, oder setzen Sie M365_ARCHIVER_DATA_DIR auf einen anderen Ordner.',
    },
  },
  EXTRA_CA_UNREADABLE: {
    en: {
      message: 'The extra CA certificate file {path} could not be read or contains no PEM certificate.',
      remedy: 'Export the root certificate of your TLS-inspecting proxy as PEM (Base64) and set its path in "extraCaFile".',
    },
    de: {
      message: 'Die zusätzliche CA-Zertifikatsdatei {path} ist nicht lesbar oder enthält kein PEM-Zertifikat.',
      remedy: 'Exportieren Sie das Stammzertifikat Ihres TLS-prüfenden Proxys als PEM (Base64) und tragen Sie den Pfad in „extraCaFile“ ein.',
    },
  },
  CERTIFICATE_UNREADABLE: {
    en: {
      message: 'The certificate credential in {path} cannot be used: {problem}',
      remedy: 'Export the certificate and its private key as PEM files, the key unencrypted and RSA with at least 2048 bits, and set their paths in "certificate.certificateFile" and "certificate.privateKeyFile".',
    },
    de: {
      message: 'Das Zertifikat in {path} kann nicht als Anmeldeinformation verwendet werden: {problem}',
      remedy: 'Exportieren Sie Zertifikat und privaten Schlüssel als PEM-Dateien, den Schlüssel unverschlüsselt und als RSA mit mindestens 2048 Bit, und tragen Sie die Pfade in „certificate.certificateFile“ und „certificate.privateKeyFile“ ein.',
    },
  },
  CERTIFICATE_KEY_MISMATCH: {
    en: {
      message: 'The private key in {privateKeyFile} does not belong to the certificate in {certificateFile}.',
      remedy: 'Use the key file that was created together with this certificate, or create a new certificate and upload its public part to the app registration.',
    },
    de: {
      message: 'Der private Schlüssel in {privateKeyFile} gehört nicht zum Zertifikat in {certificateFile}.',
      remedy: 'Verwenden Sie die Schlüsseldatei, die zusammen mit diesem Zertifikat erzeugt wurde, oder erstellen Sie ein neues Zertifikat und laden Sie dessen öffentlichen Teil in die App-Registrierung hoch.',
    },
  },
  CERTIFICATE_EXPIRED: {
    en: {
      message: 'The certificate in {path} (thumbprint {thumbprint}) expired on {notAfter}.',
      remedy: 'Create a new certificate, upload its public part to the app registration under "Certificates & secrets", and set the new files in "certificate.certificateFile" and "certificate.privateKeyFile".',
    },
    de: {
      message: 'Das Zertifikat in {path} (Fingerabdruck {thumbprint}) ist am {notAfter} abgelaufen.',
      remedy: 'Erstellen Sie ein neues Zertifikat, laden Sie dessen öffentlichen Teil unter „Zertifikate & Geheimnisse“ in die App-Registrierung hoch und tragen Sie die neuen Dateien in „certificate.certificateFile“ und „certificate.privateKeyFile“ ein.',
    },
  },
  CERTIFICATE_NOT_YET_VALID: {
    en: {
      message: 'The certificate in {path} (thumbprint {thumbprint}) is valid only from {notBefore}.',
      remedy: 'Check the date and time of this server, or wait until the certificate becomes valid.',
    },
    de: {
      message: 'Das Zertifikat in {path} (Fingerabdruck {thumbprint}) ist erst ab {notBefore} gültig.',
      remedy: 'Prüfen Sie Datum und Uhrzeit dieses Servers oder warten Sie, bis das Zertifikat gültig wird.',
    },
  },

  SECRET_MISSING: {
    en: {
      message: 'No client secret was found (looked in: {sources}).',
      remedy: 'Store the secret in the OS keychain of the agent\'s account with "m365-archiver secret set" or the desktop app, set AZURE_CLIENT_SECRET for a shell, pass it to a Linux service as systemd credential m365-archiver-client-secret, or point "secretFile" at a file that only the agent\'s account can read. A secret in the keychain is found only when the agent runs as the account that stored it.',
    },
    de: {
      message: 'Es wurde kein geheimer Clientschlüssel gefunden (gesucht in: {sources}).',
      remedy: 'Speichern Sie den Schlüssel mit „m365-archiver secret set“ oder der Desktop-App im Schlüsselspeicher des Betriebssystems für das Konto des Agenten, setzen Sie AZURE_CLIENT_SECRET für eine Shell, übergeben Sie ihn einem Linux-Dienst als systemd-Credential m365-archiver-client-secret oder verweisen Sie mit „secretFile“ auf eine Datei, die nur das Konto des Agenten lesen darf. Ein Schlüssel im Schlüsselspeicher wird nur gefunden, wenn der Agent unter dem Konto läuft, das ihn gespeichert hat.',
    },
  },
  SECRET_FILE_INSECURE: {
    en: {
      message: 'The secret file {path} can be read by other users (mode {mode}), so it is not used.',
      remedy: 'Run: chmod 600 "{path}" and make the agent\'s account its owner.',
    },
    de: {
      message: 'Die Schlüsseldatei {path} ist für andere Benutzer lesbar (Modus {mode}) und wird deshalb nicht verwendet.',
      remedy: 'Führen Sie chmod 600 „{path}“ aus und machen Sie das Konto des Agenten zum Besitzer.',
    },
  },
  SECRET_FILE_UNREADABLE: {
    en: {
      message: 'The secret file {path} could not be read: {problem}',
      remedy: 'Check the path in "secretFile" and that the agent\'s account may read the file.',
    },
    de: {
      message: 'Die Schlüsseldatei {path} konnte nicht gelesen werden: {problem}',
      remedy: 'Prüfen Sie den Pfad in „secretFile“ und ob das Konto des Agenten die Datei lesen darf.',
    },
  },
  SECRET_FILE_NOT_WRITABLE: {
    en: {
      message: 'The secret file {path} could not be written: {problem}',
      remedy: 'Check that the folder of "secretFile" exists and that the agent\'s account may write to it.',
    },
    de: {
      message: 'Die Schlüsseldatei {path} konnte nicht geschrieben werden: {problem}',
      remedy: 'Prüfen Sie, ob der Ordner von „secretFile“ existiert und das Konto des Agenten darin schreiben darf.',
    },
  },
  SECRET_FILE_UNSUPPORTED: {
    en: {
      message: 'A secret file ({path}) is not supported on Windows, because the agent cannot check there who may read it.',
      remedy: 'Remove "secretFile" from the configuration and store the secret in Windows Credential Manager: run "m365-archiver secret set" as the account the agent runs as, or use the desktop app.',
    },
    de: {
      message: 'Eine Schlüsseldatei ({path}) wird unter Windows nicht unterstützt, weil der Agent dort nicht prüfen kann, wer sie lesen darf.',
      remedy: 'Entfernen Sie „secretFile“ aus der Konfiguration und speichern Sie den Schlüssel in der Windows-Anmeldeinformationsverwaltung: Führen Sie „m365-archiver secret set“ unter dem Konto aus, unter dem der Agent läuft, oder verwenden Sie die Desktop-App.',
    },
  },
  SECRET_CREDENTIAL_UNREADABLE: {
    en: {
      message: 'The systemd credential {path} could not be read: {problem}',
      remedy: 'Check LoadCredentialEncrypted= or LoadCredential= in the service unit and that the service\'s user may read the credential. systemd provides it in $CREDENTIALS_DIRECTORY only while the service runs.',
    },
    de: {
      message: 'Das systemd-Credential {path} konnte nicht gelesen werden: {problem}',
      remedy: 'Prüfen Sie LoadCredentialEncrypted= oder LoadCredential= in der Dienst-Unit und ob der Benutzer des Dienstes das Credential lesen darf. systemd stellt es nur während der Laufzeit des Dienstes in $CREDENTIALS_DIRECTORY bereit.',
    },
  },
  PROXY_PASSWORD_MISSING: {
    en: {
      message: 'No password was found for the proxy user {user} (looked in: {sources}).',
      remedy: 'Store it with "m365-archiver secret set --proxy" or the desktop app, set M365_ARCHIVER_PROXY_PASSWORD for a shell, or pass it to a Linux service as systemd credential m365-archiver-proxy-password.',
    },
    de: {
      message: 'Für den Proxy-Benutzer {user} wurde kein Passwort gefunden (gesucht in: {sources}).',
      remedy: 'Speichern Sie es mit „m365-archiver secret set --proxy“ oder der Desktop-App, setzen Sie M365_ARCHIVER_PROXY_PASSWORD für eine Shell oder übergeben Sie es einem Linux-Dienst als systemd-Credential m365-archiver-proxy-password.',
    },
  },
  KEYCHAIN_UNAVAILABLE: {
    en: {
      message: 'The OS keychain could not be reached: {problem}',
      remedy: 'Linux: the keychain is a Secret Service (GNOME Keyring) in the D-Bus session of a desktop login. Install libsecret-1-0 and gnome-keyring and run the agent in that session. A system service has no such session, so pass it the secret as systemd credential (LoadCredentialEncrypted=) or through "secretFile". Windows: run the agent as the account that stored the secret in Credential Manager, with its user profile loaded.',
    },
    de: {
      message: 'Der Schlüsselspeicher des Betriebssystems ist nicht erreichbar: {problem}',
      remedy: 'Linux: Der Schlüsselspeicher ist ein Secret Service (GNOME-Schlüsselbund) in der D-Bus-Sitzung einer Desktop-Anmeldung. Installieren Sie libsecret-1-0 und gnome-keyring und starten Sie den Agenten in dieser Sitzung. Ein Systemdienst hat keine solche Sitzung; übergeben Sie ihm den Schlüssel deshalb als systemd-Credential (LoadCredentialEncrypted=) oder über „secretFile“. Windows: Starten Sie den Agenten unter dem Konto, das den Schlüssel in der Anmeldeinformationsverwaltung gespeichert hat, mit geladenem Benutzerprofil.',
    },
  },
  KEYCHAIN_LOCKED: {
    en: {
      message: 'The OS keychain is locked ({problem}).',
      remedy: 'Linux: unlock the login keyring of the agent\'s account by a desktop login, or by restarting the keyring daemon unlocked in that account\'s D-Bus session: gnome-keyring-daemon --replace --daemonize --unlock --components=secrets (keyring password on stdin). A service cannot answer an unlock prompt, so give a Linux service the secret as systemd credential instead. macOS: unlock the login keychain with "security unlock-keychain". Windows: sign in once as the agent\'s account so that its Credential Manager is available.',
    },
    de: {
      message: 'Der Schlüsselspeicher des Betriebssystems ist gesperrt ({problem}).',
      remedy: 'Linux: Entsperren Sie den Anmelde-Schlüsselbund des Agentenkontos durch eine Desktop-Anmeldung oder indem Sie den Schlüsselbund-Dienst in der D-Bus-Sitzung dieses Kontos entsperrt neu starten: gnome-keyring-daemon --replace --daemonize --unlock --components=secrets (Passwort des Schlüsselbunds über stdin). Ein Dienst kann keine Entsperrabfrage beantworten; übergeben Sie einem Linux-Dienst den Schlüssel deshalb als systemd-Credential. macOS: Entsperren Sie den Anmeldeschlüsselbund mit „security unlock-keychain“. Windows: Melden Sie sich einmal mit dem Konto des Agenten an, damit seine Anmeldeinformationsverwaltung verfügbar ist.',
    },
  },
  KEYCHAIN_TIMEOUT: {
    en: {
      message: 'The OS keychain did not respond within {seconds} s.',
      remedy: 'Usually a prompt to unlock the keychain or to allow access waits for an answer that nobody gives, or the Secret Service hangs. Linux: unlock the login keyring in the desktop session of the agent\'s account or restart gnome-keyring-daemon, and give a system service the secret as systemd credential. macOS: answer the keychain\'s access prompt with "Always Allow". Windows: check that the agent\'s account can sign in and that its user profile is loaded.',
    },
    de: {
      message: 'Der Schlüsselspeicher des Betriebssystems hat nicht innerhalb von {seconds} s geantwortet.',
      remedy: 'Meist wartet eine Abfrage zum Entsperren oder zum Zugriff auf eine Antwort, die niemand gibt, oder der Secret Service hängt. Linux: Entsperren Sie den Anmelde-Schlüsselbund in der Desktop-Sitzung des Agentenkontos oder starten Sie gnome-keyring-daemon neu, und übergeben Sie einem Systemdienst den Schlüssel als systemd-Credential. macOS: Beantworten Sie die Zugriffsabfrage des Schlüsselbunds mit „Immer erlauben“. Windows: Prüfen Sie, ob sich das Konto des Agenten anmelden kann und sein Benutzerprofil geladen ist.',
    },
  },

  AUTH_TENANT_NOT_FOUND: {
    en: {
      message: 'Microsoft Entra ID does not know the tenant "{tenant}" (AADSTS90002).',
      remedy: 'Enter the tenant ID (Overview page of Entra ID) or the primary domain such as contoso.onmicrosoft.com, and check that the cloud (global, US Government, China) is right.',
    },
    de: {
      message: 'Microsoft Entra ID kennt den Mandanten „{tenant}“ nicht (AADSTS90002).',
      remedy: 'Geben Sie die Mandanten-ID (Übersichtsseite von Entra ID) oder die primäre Domäne wie contoso.onmicrosoft.com ein und prüfen Sie, ob die Cloud (global, US Government, China) stimmt.',
    },
  },
  AUTH_TENANT_INVALID: {
    en: {
      message: 'The tenant "{tenant}" is neither a tenant ID nor a valid domain name.',
      remedy: 'Enter the tenant ID (a GUID) or the primary domain, without "https://" and without an e-mail address.',
    },
    de: {
      message: 'Der Mandant „{tenant}“ ist weder eine Mandanten-ID noch ein gültiger Domänenname.',
      remedy: 'Geben Sie die Mandanten-ID (eine GUID) oder die primäre Domäne ein, ohne „https://“ und ohne E-Mail-Adresse.',
    },
  },
  AUTH_CLIENT_NOT_FOUND: {
    en: {
      message: 'No app with client ID {clientId} exists in tenant "{tenant}" (AADSTS700016).',
      remedy: 'Copy the "Application (client) ID" from the app registration\'s overview page, and check that the app is registered in this tenant.',
    },
    de: {
      message: 'Im Mandanten „{tenant}“ gibt es keine App mit der Client-ID {clientId} (AADSTS700016).',
      remedy: 'Kopieren Sie die „Anwendungs-ID (Client)“ von der Übersichtsseite der App-Registrierung und prüfen Sie, ob die App in diesem Mandanten registriert ist.',
    },
  },
  AUTH_SECRET_INVALID: {
    en: {
      message: 'Entra ID rejected the client secret ({aadsts}).',
      remedy: 'Under "Certificates & secrets", copy the secret\'s Value, not its Secret ID. The value is shown only right after the secret was created; if it is lost, create a new secret.',
    },
    de: {
      message: 'Entra ID hat den geheimen Clientschlüssel abgelehnt ({aadsts}).',
      remedy: 'Kopieren Sie unter „Zertifikate & Geheimnisse“ den Wert des Schlüssels, nicht die Geheimnis-ID. Der Wert wird nur direkt nach dem Erstellen angezeigt; ist er verloren, erstellen Sie einen neuen Schlüssel.',
    },
  },
  AUTH_SECRET_EXPIRED: {
    en: {
      message: 'The client secret has expired (AADSTS7000222).',
      remedy: 'Create a new client secret under "Certificates & secrets" in the app registration and store its value in the agent.',
    },
    de: {
      message: 'Der geheime Clientschlüssel ist abgelaufen (AADSTS7000222).',
      remedy: 'Erstellen Sie in der App-Registrierung unter „Zertifikate & Geheimnisse“ einen neuen geheimen Clientschlüssel und hinterlegen Sie seinen Wert im Agenten.',
    },
  },
  AUTH_CREDENTIAL_MISSING: {
    en: {
      message: 'The token request carried no credential (AADSTS7000218).',
      remedy: 'Store the client secret (or configure a certificate) and start the agent again.',
    },
    de: {
      message: 'Die Tokenanforderung enthielt keine Anmeldeinformation (AADSTS7000218).',
      remedy: 'Hinterlegen Sie den geheimen Clientschlüssel (oder konfigurieren Sie ein Zertifikat) und starten Sie den Agenten neu.',
    },
  },
  AUTH_CERTIFICATE_INVALID: {
    en: {
      message: 'Entra ID rejected the certificate credential (AADSTS700027).',
      remedy: 'Upload the certificate\'s public part under "Certificates & secrets" and check that the agent uses the matching private key.',
    },
    de: {
      message: 'Entra ID hat das Zertifikat als Anmeldeinformation abgelehnt (AADSTS700027).',
      remedy: 'Laden Sie den öffentlichen Teil des Zertifikats unter „Zertifikate & Geheimnisse“ hoch und prüfen Sie, ob der Agent den passenden privaten Schlüssel verwendet.',
    },
  },
  AUTH_APP_DISABLED: {
    en: {
      message: 'The app is disabled in the tenant (AADSTS7000112).',
      remedy: 'In Entra ID, open "Enterprise applications", select the app and set "Enabled for users to sign in" to Yes.',
    },
    de: {
      message: 'Die App ist im Mandanten deaktiviert (AADSTS7000112).',
      remedy: 'Öffnen Sie in Entra ID „Unternehmensanwendungen“, wählen Sie die App und setzen Sie „Aktiviert für die Benutzeranmeldung“ auf Ja.',
    },
  },
  AUTH_BLOCKED_BY_CONDITIONAL_ACCESS: {
    en: {
      message: 'A Conditional Access policy blocked the token request (AADSTS53003).',
      remedy: 'Ask the Entra ID admin to allow this app from the archive server\'s address in the Conditional Access policies for workload identities.',
    },
    de: {
      message: 'Eine Richtlinie für bedingten Zugriff hat die Tokenanforderung blockiert (AADSTS53003).',
      remedy: 'Bitten Sie den Entra-ID-Administrator, diese App von der Adresse des Archivservers aus in den Richtlinien für bedingten Zugriff für Workload-Identitäten zuzulassen.',
    },
  },
  AUTH_WRONG_CLOUD: {
    en: {
      message: 'The tenant belongs to another Microsoft cloud than the one configured ({aadsts}).',
      remedy: 'Choose the cloud of your tenant (global, US Government or China) in the settings.',
    },
    de: {
      message: 'Der Mandant gehört zu einer anderen Microsoft-Cloud als der eingestellten ({aadsts}).',
      remedy: 'Wählen Sie in den Einstellungen die Cloud Ihres Mandanten (global, US Government oder China).',
    },
  },
  AUTH_SERVICE_UNAVAILABLE: {
    en: {
      message: 'The Entra ID token endpoint is unavailable (HTTP {status}).',
      remedy: 'Nothing to do: the agent tries again later. If it lasts, check the Microsoft 365 service health in the admin center.',
    },
    de: {
      message: 'Der Token-Endpunkt von Entra ID ist nicht erreichbar (HTTP {status}).',
      remedy: 'Nichts zu tun: Der Agent versucht es später erneut. Hält es an, prüfen Sie den Dienststatus im Microsoft 365 Admin Center.',
    },
  },
  AUTH_FAILED: {
    en: {
      message: 'Entra ID rejected the token request: {problem}',
      remedy: 'Look up the AADSTS code in Microsoft\'s error reference and check the app registration.',
    },
    de: {
      message: 'Entra ID hat die Tokenanforderung abgelehnt: {problem}',
      remedy: 'Schlagen Sie den AADSTS-Code in Microsofts Fehlerreferenz nach und prüfen Sie die App-Registrierung.',
    },
  },

  GRAPH_PERMISSION_MISSING: {
    en: {
      message: 'Microsoft Graph denied access ({graphCode}): the app lacks the permission {permission} or its admin consent.',
      remedy: 'In the app registration, add the application permissions Mail.ReadWrite and Directory.Read.All under "API permissions" and click "Grant admin consent".',
    },
    de: {
      message: 'Microsoft Graph hat den Zugriff verweigert ({graphCode}): Der App fehlt die Berechtigung {permission} oder deren Administratorzustimmung.',
      remedy: 'Fügen Sie in der App-Registrierung unter „API-Berechtigungen“ die Anwendungsberechtigungen Mail.ReadWrite und Directory.Read.All hinzu und klicken Sie auf „Administratorzustimmung erteilen“.',
    },
  },
  MAILBOX_ACCESS_DENIED: {
    en: {
      message: 'Access to mailbox {mailbox} was denied: {problem}',
      remedy: 'An Application Access Policy or RBAC for Applications scope excludes this mailbox. Add the mailbox to the policy\'s group or scope (check with Test-ApplicationAccessPolicy or Test-ServicePrincipalAuthorization); changes can take up to two hours to apply.',
    },
    de: {
      message: 'Der Zugriff auf das Postfach {mailbox} wurde verweigert: {problem}',
      remedy: 'Eine Anwendungszugriffsrichtlinie oder ein RBAC-für-Anwendungen-Bereich schließt dieses Postfach aus. Nehmen Sie das Postfach in die Gruppe oder den Bereich auf (prüfbar mit Test-ApplicationAccessPolicy oder Test-ServicePrincipalAuthorization); Änderungen können bis zu zwei Stunden dauern.',
    },
  },
  MAILBOX_NOT_ENABLED: {
    en: {
      message: 'The user {mailbox} has no Exchange Online mailbox that Graph can reach (MailboxNotEnabledForRESTAPI).',
      remedy: 'Assign the user an Exchange Online licence, or remove the mailbox from the configuration if it is on-premises or has no mailbox.',
    },
    de: {
      message: 'Der Benutzer {mailbox} hat kein für Graph erreichbares Exchange-Online-Postfach (MailboxNotEnabledForRESTAPI).',
      remedy: 'Weisen Sie dem Benutzer eine Exchange-Online-Lizenz zu oder entfernen Sie das Postfach aus der Konfiguration, wenn es lokal (on-premises) liegt oder nicht existiert.',
    },
  },
  MAILBOX_NOT_FOUND: {
    en: {
      message: 'The mailbox {mailbox} was not found in the tenant.',
      remedy: 'Check the address or user ID in the configuration; the user may have been renamed or deleted.',
    },
    de: {
      message: 'Das Postfach {mailbox} wurde im Mandanten nicht gefunden.',
      remedy: 'Prüfen Sie die Adresse oder Benutzer-ID in der Konfiguration; der Benutzer wurde eventuell umbenannt oder gelöscht.',
    },
  },
  FOLDER_NOT_FOUND: {
    en: {
      message: 'The pickup folder {folder} was not found in mailbox {mailbox}.',
      remedy: 'Choose the pickup folder again in the desktop app; the folder may have been deleted or moved into another mailbox.',
    },
    de: {
      message: 'Der Abholordner {folder} wurde im Postfach {mailbox} nicht gefunden.',
      remedy: 'Wählen Sie den Abholordner in der Desktop-App neu; der Ordner wurde eventuell gelöscht oder in ein anderes Postfach verschoben.',
    },
  },
  MESSAGE_NOT_FOUND: {
    en: {
      message: 'The message was deleted or moved before it could be archived.',
      remedy: 'Nothing to do: the message is no longer in the pickup folder. If it comes back, the next run archives it.',
    },
    de: {
      message: 'Die Nachricht wurde gelöscht oder verschoben, bevor sie archiviert werden konnte.',
      remedy: 'Nichts zu tun: Die Nachricht liegt nicht mehr im Abholordner. Taucht sie wieder auf, archiviert der nächste Lauf sie.',
    },
  },
  MIME_CONVERSION_FAILED: {
    en: {
      message: 'Exchange could not convert the message to MIME (ErrorMimeContentConversionFailed).',
      remedy: 'The next run tries again. If it keeps failing, open the message in Outlook, save it as a file and archive it by hand; it is often damaged or an unusual item type.',
    },
    de: {
      message: 'Exchange konnte die Nachricht nicht in MIME umwandeln (ErrorMimeContentConversionFailed).',
      remedy: 'Der nächste Lauf versucht es erneut. Scheitert es dauerhaft, öffnen Sie die Nachricht in Outlook, speichern Sie sie als Datei und archivieren Sie sie von Hand; oft ist sie beschädigt oder ein ungewöhnlicher Elementtyp.',
    },
  },
  ETAG_MISMATCH: {
    en: {
      message: 'The message changed in the mailbox while it was being marked.',
      remedy: 'Nothing to do: the agent reads the message again and retries.',
    },
    de: {
      message: 'Die Nachricht wurde im Postfach geändert, während sie markiert wurde.',
      remedy: 'Nichts zu tun: Der Agent liest die Nachricht neu und versucht es erneut.',
    },
  },
  DELTA_RESYNC_REQUIRED: {
    en: {
      message: 'Microsoft Graph discarded the change tracking state of a folder.',
      remedy: 'Nothing to do: the agent lists the folder completely again; archived messages are not archived twice.',
    },
    de: {
      message: 'Microsoft Graph hat den Änderungsstand eines Ordners verworfen.',
      remedy: 'Nichts zu tun: Der Agent liest den Ordner vollständig neu; bereits archivierte Nachrichten werden nicht doppelt archiviert.',
    },
  },
  GRAPH_THROTTLED: {
    en: {
      message: 'Microsoft Graph throttled the requests for {mailbox} and retries did not succeed in time.',
      remedy: 'Nothing to do for a single occurrence: the next run goes on. If it happens every run, other apps may use the same mailbox heavily, or reduce "maxParallelMailboxes".',
    },
    de: {
      message: 'Microsoft Graph hat die Anfragen für {mailbox} gedrosselt, und die Wiederholungen waren nicht rechtzeitig erfolgreich.',
      remedy: 'Bei einmaligem Auftreten nichts zu tun: Der nächste Lauf macht weiter. Passiert es bei jedem Lauf, belasten eventuell andere Apps dasselbe Postfach stark, oder verringern Sie „maxParallelMailboxes“.',
    },
  },
  GRAPH_SERVICE_UNAVAILABLE: {
    en: {
      message: 'Microsoft Graph is unavailable (HTTP {status}).',
      remedy: 'Nothing to do: the agent retries. If it lasts, check the Microsoft 365 service health in the admin center.',
    },
    de: {
      message: 'Microsoft Graph ist nicht erreichbar (HTTP {status}).',
      remedy: 'Nichts zu tun: Der Agent versucht es erneut. Hält es an, prüfen Sie den Dienststatus im Microsoft 365 Admin Center.',
    },
  },
  GRAPH_TOKEN_REJECTED: {
    en: {
      message: 'Microsoft Graph rejected the access token even after a new one was fetched.',
      remedy: 'Check that the server\'s clock is right and that the app is registered in the same cloud as the Graph endpoint.',
    },
    de: {
      message: 'Microsoft Graph hat das Zugriffstoken auch nach einem neuen Abruf abgelehnt.',
      remedy: 'Prüfen Sie, ob die Uhr des Servers stimmt und die App in derselben Cloud registriert ist wie der Graph-Endpunkt.',
    },
  },
  GRAPH_BAD_REQUEST: {
    en: {
      message: 'Microsoft Graph rejected a request ({graphCode}): {problem}',
      remedy: 'This points to a defect in the agent. Send the log file of this run to support.',
    },
    de: {
      message: 'Microsoft Graph hat eine Anfrage abgelehnt ({graphCode}): {problem}',
      remedy: 'Das deutet auf einen Fehler im Agenten hin. Senden Sie die Protokolldatei dieses Laufs an den Support.',
    },
  },
  GRAPH_NOT_FOUND: {
    en: {
      message: 'Microsoft Graph found nothing at {path} ({graphCode}).',
      remedy: 'The object was deleted, renamed or never existed. Check the mailbox and folder in the configuration.',
    },
    de: {
      message: 'Microsoft Graph hat unter {path} nichts gefunden ({graphCode}).',
      remedy: 'Das Objekt wurde gelöscht, umbenannt oder existierte nie. Prüfen Sie Postfach und Ordner in der Konfiguration.',
    },
  },
  GRAPH_UNEXPECTED_RESPONSE: {
    en: {
      message: 'Microsoft Graph sent a response the agent does not understand (HTTP {status}).',
      remedy: 'The next run tries again. If it persists, send the log file to support.',
    },
    de: {
      message: 'Microsoft Graph hat eine unerwartete Antwort gesendet (HTTP {status}).',
      remedy: 'Der nächste Lauf versucht es erneut. Bleibt der Fehler, senden Sie die Protokolldatei an den Support.',
    },
  },
  CATEGORY_NOT_APPLIED: {
    en: {
      message: 'The category "{category}" was not applied to the message, although Graph accepted the change.',
      remedy: 'The next run tries again. The message is archived already and will not be archived twice.',
    },
    de: {
      message: 'Die Kategorie „{category}“ wurde nicht an die Nachricht gesetzt, obwohl Graph die Änderung angenommen hat.',
      remedy: 'Der nächste Lauf versucht es erneut. Die Nachricht ist bereits archiviert und wird nicht doppelt archiviert.',
    },
  },

  NETWORK_UNREACHABLE: {
    en: {
      message: 'The host {host} could not be reached: {problem}',
      remedy: 'Check DNS and the firewall: the server must reach login.microsoftonline.com and graph.microsoft.com on port 443, directly or through the configured proxy.',
    },
    de: {
      message: 'Der Host {host} ist nicht erreichbar: {problem}',
      remedy: 'Prüfen Sie DNS und Firewall: Der Server muss login.microsoftonline.com und graph.microsoft.com auf Port 443 erreichen, direkt oder über den eingestellten Proxy.',
    },
  },
  NETWORK_TIMEOUT: {
    en: {
      message: 'The request to {host} timed out after {seconds} s.',
      remedy: 'The agent retries. If it lasts, check the network path and the proxy to {host}.',
    },
    de: {
      message: 'Die Anfrage an {host} hat nach {seconds} s das Zeitlimit überschritten.',
      remedy: 'Der Agent versucht es erneut. Hält es an, prüfen Sie den Netzwerkweg und den Proxy zu {host}.',
    },
  },
  NETWORK_CONNECTION_RESET: {
    en: {
      message: 'The connection to {host} was interrupted during the transfer.',
      remedy: 'The agent retries. If large messages keep failing, check proxies or firewalls that cut long downloads.',
    },
    de: {
      message: 'Die Verbindung zu {host} wurde während der Übertragung unterbrochen.',
      remedy: 'Der Agent versucht es erneut. Scheitern große Nachrichten dauerhaft, prüfen Sie Proxys oder Firewalls, die lange Downloads abbrechen.',
    },
  },
  TLS_UNTRUSTED: {
    en: {
      message: 'The TLS certificate of {host} is not trusted: {problem}',
      remedy: 'If a proxy inspects TLS, export its root certificate as PEM and set its path in "extraCaFile".',
    },
    de: {
      message: 'Dem TLS-Zertifikat von {host} wird nicht vertraut: {problem}',
      remedy: 'Prüft ein Proxy TLS-Verbindungen, exportieren Sie sein Stammzertifikat als PEM und tragen Sie den Pfad in „extraCaFile“ ein.',
    },
  },
  PROXY_UNREACHABLE: {
    en: {
      message: 'The proxy {proxy} could not be reached, so the connection to {host} was not tried: {problem}',
      remedy: 'Check the proxy address and port in the settings (or HTTPS_PROXY), and that the proxy service is running and reachable from this server.',
    },
    de: {
      message: 'Der Proxy {proxy} ist nicht erreichbar, daher wurde keine Verbindung zu {host} versucht: {problem}',
      remedy: 'Prüfen Sie Adresse und Port des Proxys in den Einstellungen (oder HTTPS_PROXY) und ob der Proxydienst läuft und von diesem Server aus erreichbar ist.',
    },
  },
  PROXY_AUTH_FAILED: {
    en: {
      message: 'The proxy {proxy} rejected the user name or password (HTTP 407).',
      remedy: 'Check the proxy user name in the settings and store the proxy password again.',
    },
    de: {
      message: 'Der Proxy {proxy} hat Benutzername oder Kennwort abgelehnt (HTTP 407).',
      remedy: 'Prüfen Sie den Proxy-Benutzernamen in den Einstellungen und hinterlegen Sie das Proxy-Kennwort erneut.',
    },
  },
  PROXY_AUTH_UNSUPPORTED: {
    en: {
      message: 'The proxy {proxy} requires {scheme} authentication, which the agent does not support.',
      remedy: 'Ask the network team for a proxy bypass (or a rule without authentication) for login.microsoftonline.com and graph.microsoft.com from this server, as Microsoft recommends for Microsoft 365 endpoints.',
    },
    de: {
      message: 'Der Proxy {proxy} verlangt eine {scheme}-Anmeldung, die der Agent nicht unterstützt.',
      remedy: 'Bitten Sie das Netzwerkteam um eine Proxy-Ausnahme (oder eine Regel ohne Anmeldung) für login.microsoftonline.com und graph.microsoft.com von diesem Server aus, wie Microsoft es für Microsoft-365-Endpunkte empfiehlt.',
    },
  },
  PROXY_REFUSED_TARGET: {
    en: {
      message: 'The proxy {proxy} refused the connection to {host} (HTTP {status}).',
      remedy: 'Ask the network team to allow HTTPS (CONNECT on port 443) to {host} through the proxy.',
    },
    de: {
      message: 'Der Proxy {proxy} hat die Verbindung zu {host} verweigert (HTTP {status}).',
      remedy: 'Bitten Sie das Netzwerkteam, HTTPS (CONNECT auf Port 443) zu {host} über den Proxy zu erlauben.',
    },
  },
  PROXY_URL_INVALID: {
    en: {
      message: 'The proxy address "{proxy}" in {source} is invalid: {problem}.',
      remedy: 'Set the proxy in {source} as a URL such as http://proxy.example:3128.',
    },
    de: {
      message: 'Die Proxy-Adresse „{proxy}“ in {source} ist ungültig: {problem}.',
      remedy: 'Tragen Sie den Proxy in {source} als URL wie http://proxy.example:3128 ein.',
    },
  },

  TARGET_NOT_FOUND: {
    en: {
      message: 'The target folder {path} does not exist or cannot be reached.',
      remedy: 'Create the folder, or for a network share check that the agent\'s account can reach it (a service account does not see drive letters mapped by a user; use the UNC path).',
    },
    de: {
      message: 'Der Zielordner {path} existiert nicht oder ist nicht erreichbar.',
      remedy: 'Legen Sie den Ordner an oder prüfen Sie bei einer Netzwerkfreigabe, ob das Konto des Agenten sie erreicht (ein Dienstkonto sieht keine von Benutzern verbundenen Laufwerksbuchstaben; verwenden Sie den UNC-Pfad).',
    },
  },
  TARGET_NOT_WRITABLE: {
    en: {
      message: 'The agent may not write to {path} ({problem}).',
      remedy: 'Give the agent\'s account write access to the target and staging folders, or check whether the volume is mounted read-only.',
    },
    de: {
      message: 'Der Agent darf nicht in {path} schreiben ({problem}).',
      remedy: 'Geben Sie dem Konto des Agenten Schreibrechte auf Ziel- und Zwischenordner, oder prüfen Sie, ob das Laufwerk schreibgeschützt eingebunden ist.',
    },
  },
  TARGET_DISK_FULL: {
    en: {
      message: 'The volume of {path} is full.',
      remedy: 'Free space on the volume or let the archive import the waiting files. Nothing was marked as archived; the next run continues.',
    },
    de: {
      message: 'Das Laufwerk von {path} ist voll.',
      remedy: 'Schaffen Sie Platz auf dem Laufwerk oder lassen Sie das Archiv die wartenden Dateien importieren. Nichts wurde als archiviert markiert; der nächste Lauf macht weiter.',
    },
  },
  TARGET_FILE_LOCKED: {
    en: {
      message: 'The file {path} stayed locked by another program ({problem}).',
      remedy: 'A virus scanner or the archive\'s importer may hold the file. Exclude the staging folder from on-access scanning; the next run tries again.',
    },
    de: {
      message: 'Die Datei {path} blieb von einem anderen Programm gesperrt ({problem}).',
      remedy: 'Ein Virenscanner oder der Importdienst des Archivs hält eventuell die Datei. Nehmen Sie den Zwischenordner von der Echtzeitprüfung aus; der nächste Lauf versucht es erneut.',
    },
  },
  STAGING_OTHER_VOLUME: {
    en: {
      message: 'The staging folder {staging} is on another volume than the target {path}, so files cannot be moved into place atomically.',
      remedy: 'Set "stagingFolder" to a folder on the same volume as the target, outside the folder the archive imports from.',
    },
    de: {
      message: 'Der Zwischenordner {staging} liegt auf einem anderen Laufwerk als das Ziel {path}; Dateien lassen sich so nicht atomar verschieben.',
      remedy: 'Setzen Sie „stagingFolder“ auf einen Ordner auf demselben Laufwerk wie das Ziel, außerhalb des Ordners, aus dem das Archiv importiert.',
    },
  },
  TARGET_PATH_TOO_LONG: {
    en: {
      message: 'The folder {path} has too long a path: even the shortest archive file name would exceed {max} characters.',
      remedy: 'Choose a target and staging folder with a shorter path, for example closer to the drive root.',
    },
    de: {
      message: 'Der Ordner {path} hat einen zu langen Pfad: Schon der kürzeste Archivdateiname würde {max} Zeichen überschreiten.',
      remedy: 'Wählen Sie Ziel- und Zwischenordner mit kürzerem Pfad, zum Beispiel näher am Laufwerksstamm.',
    },
  },
  STATE_DB_FAILED: {
    en: {
      message: 'The state database {path} failed: {problem}',
      remedy: 'Check free space and permissions of the data directory. Restore state.sqlite from its backup if the file is damaged.',
    },
    de: {
      message: 'Die Statusdatenbank {path} ist fehlgeschlagen: {problem}',
      remedy: 'Prüfen Sie freien Platz und Berechtigungen des Datenverzeichnisses. Stellen Sie state.sqlite aus der Sicherung wieder her, falls die Datei beschädigt ist.',
    },
  },

  ARCHIVE_FILE_CHANGED: {
    en: {
      message: 'The archived file {path} was changed: its SHA-256 no longer matches the recorded hash.',
      remedy: 'Restore the file from a backup, or find out which program changed it. The original may still be in the mailbox.',
    },
    de: {
      message: 'Die archivierte Datei {path} wurde verändert: Ihr SHA-256 passt nicht mehr zum gespeicherten Hash.',
      remedy: 'Stellen Sie die Datei aus einer Sicherung wieder her oder finden Sie heraus, welches Programm sie verändert hat. Das Original liegt eventuell noch im Postfach.',
    },
  },
  ARCHIVE_FILE_MISSING: {
    en: {
      message: 'The archived file {path} is missing.',
      remedy: 'Restore it from a backup. If the archive imports and removes files from this folder, set "target.importFolder" to true.',
    },
    de: {
      message: 'Die archivierte Datei {path} fehlt.',
      remedy: 'Stellen Sie sie aus einer Sicherung wieder her. Importiert und entfernt das Archiv Dateien aus diesem Ordner, setzen Sie „target.importFolder“ auf true.',
    },
  },
  ARCHIVE_SIDECAR_MISMATCH: {
    en: {
      message: 'The metadata file {path} does not match the ledger.',
      remedy: 'Restore the file from a backup; the ledger in state.sqlite holds the recorded values.',
    },
    de: {
      message: 'Die Metadatendatei {path} passt nicht zum Ledger.',
      remedy: 'Stellen Sie die Datei aus einer Sicherung wieder her; das Ledger in state.sqlite enthält die gespeicherten Werte.',
    },
  },
  JOURNAL_CHAIN_BROKEN: {
    en: {
      message: 'The journal {path} is broken at line {line}: the hash chain does not continue.',
      remedy: 'Someone edited or truncated the journal. Restore it from a backup; the archived files themselves are checked separately.',
    },
    de: {
      message: 'Das Journal {path} ist in Zeile {line} unterbrochen: Die Hash-Kette setzt sich nicht fort.',
      remedy: 'Jemand hat das Journal bearbeitet oder gekürzt. Stellen Sie es aus einer Sicherung wieder her; die archivierten Dateien werden getrennt geprüft.',
    },
  },
  JOURNAL_LEDGER_MISMATCH: {
    en: {
      message: 'The journal and the ledger disagree about message {messageId}: {problem}',
      remedy: 'Restore the journal or state.sqlite from a backup, whichever was changed.',
    },
    de: {
      message: 'Journal und Ledger widersprechen sich bei Nachricht {messageId}: {problem}',
      remedy: 'Stellen Sie Journal oder state.sqlite aus einer Sicherung wieder her, je nachdem, was verändert wurde.',
    },
  },

  INPUT_TENANT_MISSING: {
    en: {
      message: 'No tenant was entered.',
      remedy: 'Enter the tenant ID (a GUID shown as "Tenant ID" on the Overview page of Microsoft Entra ID) or the primary domain, which ends in .onmicrosoft.com.',
    },
    de: {
      message: 'Es wurde kein Mandant eingegeben.',
      remedy: 'Geben Sie die Mandanten-ID ein (eine GUID, auf der Übersichtsseite von Microsoft Entra ID als „Mandanten-ID“ angezeigt) oder die primäre Domäne, die auf .onmicrosoft.com endet.',
    },
  },
  INPUT_TENANT_URL: {
    en: {
      message: 'The tenant field contains a web address; only its part "{suggestion}" names the tenant.',
      remedy: 'Enter just {suggestion}, without "https://", the host name and the rest of the address.',
    },
    de: {
      message: 'Das Feld Mandant enthält eine Webadresse; nur ihr Teil „{suggestion}“ bezeichnet den Mandanten.',
      remedy: 'Geben Sie nur {suggestion} ein, ohne „https://“, Hostnamen und den Rest der Adresse.',
    },
  },
  INPUT_TENANT_PORTAL_URL: {
    en: {
      message: 'The tenant field contains a web address that does not name a tenant, such as a link to the Azure or Entra portal.',
      remedy: 'Open Microsoft Entra ID, go to its Overview page and copy the "Tenant ID", or enter the primary domain ending in .onmicrosoft.com.',
    },
    de: {
      message: 'Das Feld Mandant enthält eine Webadresse, die keinen Mandanten nennt, etwa einen Link ins Azure- oder Entra-Portal.',
      remedy: 'Öffnen Sie Microsoft Entra ID, dort die Übersichtsseite, und kopieren Sie die „Mandanten-ID“, oder geben Sie die primäre Domäne ein, die auf .onmicrosoft.com endet.',
    },
  },
  INPUT_TENANT_GENERIC: {
    en: {
      message: '"{value}" is not a tenant but a shared sign-in address for many tenants, which an app without a user cannot use.',
      remedy: 'Enter your own tenant ID (Overview page of Microsoft Entra ID) or the primary domain ending in .onmicrosoft.com.',
    },
    de: {
      message: '„{value}“ ist kein Mandant, sondern eine gemeinsame Anmeldeadresse vieler Mandanten, die eine App ohne Benutzer nicht verwenden kann.',
      remedy: 'Geben Sie Ihre eigene Mandanten-ID (Übersichtsseite von Microsoft Entra ID) oder die primäre Domäne ein, die auf .onmicrosoft.com endet.',
    },
  },
  INPUT_TENANT_EMAIL: {
    en: {
      message: 'The tenant field contains an e-mail address instead of a tenant.',
      remedy: 'Enter only the domain after the @ ({domain}), or better the tenant ID. A mail domain works only if it is verified in your tenant; the primary domain usually ends in .onmicrosoft.com.',
    },
    de: {
      message: 'Das Feld Mandant enthält eine E-Mail-Adresse statt eines Mandanten.',
      remedy: 'Geben Sie nur die Domäne nach dem @ ({domain}) ein, besser die Mandanten-ID. Eine Mail-Domäne funktioniert nur, wenn sie in Ihrem Mandanten verifiziert ist; die primäre Domäne endet meist auf .onmicrosoft.com.',
    },
  },
  INPUT_TENANT_PLACEHOLDER: {
    en: {
      message: 'The tenant "{value}" is an example value from a guide, not your tenant.',
      remedy: 'Enter your own tenant ID ("Tenant ID" on the Overview page of Microsoft Entra ID) or your primary domain ending in .onmicrosoft.com.',
    },
    de: {
      message: 'Der Mandant „{value}“ ist ein Beispielwert aus einer Anleitung, nicht Ihr Mandant.',
      remedy: 'Geben Sie Ihre eigene Mandanten-ID („Mandanten-ID“ auf der Übersichtsseite von Microsoft Entra ID) oder Ihre primäre Domäne ein, die auf .onmicrosoft.com endet.',
    },
  },
  INPUT_TENANT_STRAY_CHARACTERS: {
    en: {
      message: 'The tenant contains quotation marks, spaces or invisible characters that are not part of it.',
      remedy: 'Enter it without them: {suggestion}',
    },
    de: {
      message: 'Der Mandant enthält Anführungszeichen, Leerzeichen oder unsichtbare Zeichen, die nicht dazugehören.',
      remedy: 'Geben Sie ihn ohne diese Zeichen ein: {suggestion}',
    },
  },
  INPUT_CLIENT_ID_MISSING: {
    en: {
      message: 'No client ID was entered.',
      remedy: 'Copy the "Application (client) ID" from the Overview page of the app registration (Microsoft Entra ID > App registrations > your app).',
    },
    de: {
      message: 'Es wurde keine Client-ID eingegeben.',
      remedy: 'Kopieren Sie die „Anwendungs-ID (Client)“ von der Übersichtsseite der App-Registrierung (Microsoft Entra ID > App-Registrierungen > Ihre App).',
    },
  },
  INPUT_CLIENT_ID_INVALID: {
    en: {
      message: 'The client ID "{value}" is not a GUID.',
      remedy: 'Copy the "Application (client) ID" from the Overview page of the app registration: a GUID such as 1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d. The app\'s name and its "Object ID" do not work.',
    },
    de: {
      message: 'Die Client-ID „{value}“ ist keine GUID.',
      remedy: 'Kopieren Sie die „Anwendungs-ID (Client)“ von der Übersichtsseite der App-Registrierung: eine GUID wie 1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d. Der Name der App und ihre „Objekt-ID“ funktionieren nicht.',
    },
  },
  INPUT_CLIENT_ID_URL: {
    en: {
      message: 'The client ID field contains a web address; its part "{suggestion}" is the application (client) ID.',
      remedy: 'Enter just {suggestion}.',
    },
    de: {
      message: 'Das Feld Client-ID enthält eine Webadresse; ihr Teil „{suggestion}“ ist die Anwendungs-ID (Client).',
      remedy: 'Geben Sie nur {suggestion} ein.',
    },
  },
  INPUT_CLIENT_ID_PLACEHOLDER: {
    en: {
      message: 'The client ID "{value}" is an example value from a guide, not your app.',
      remedy: 'Copy the "Application (client) ID" from the Overview page of your app registration.',
    },
    de: {
      message: 'Die Client-ID „{value}“ ist ein Beispielwert aus einer Anleitung, nicht Ihre App.',
      remedy: 'Kopieren Sie die „Anwendungs-ID (Client)“ von der Übersichtsseite Ihrer App-Registrierung.',
    },
  },
  INPUT_CLIENT_ID_STRAY_CHARACTERS: {
    en: {
      message: 'The client ID contains quotation marks, spaces or invisible characters that are not part of it.',
      remedy: 'Enter it without them: {suggestion}',
    },
    de: {
      message: 'Die Client-ID enthält Anführungszeichen, Leerzeichen oder unsichtbare Zeichen, die nicht dazugehören.',
      remedy: 'Geben Sie sie ohne diese Zeichen ein: {suggestion}',
    },
  },
  INPUT_CLIENT_ID_IS_TENANT: {
    en: {
      message: 'The client ID is the same GUID as the tenant ID.',
      remedy: 'Both GUIDs appear on the app registration\'s Overview page. Enter the "Application (client) ID" as client ID and the "Directory (tenant) ID" as tenant.',
    },
    de: {
      message: 'Die Client-ID ist dieselbe GUID wie die Mandanten-ID.',
      remedy: 'Beide GUIDs stehen auf der Übersichtsseite der App-Registrierung. Geben Sie die „Anwendungs-ID (Client)“ als Client-ID und die „Verzeichnis-ID (Mandant)“ als Mandanten ein.',
    },
  },
  INPUT_SECRET_MISSING: {
    en: {
      message: 'No client secret was entered.',
      remedy: 'Under "Certificates & secrets" in the app registration, create a new client secret and copy its Value right away; the portal shows it only once.',
    },
    de: {
      message: 'Es wurde kein geheimer Clientschlüssel eingegeben.',
      remedy: 'Erstellen Sie in der App-Registrierung unter „Zertifikate & Geheimnisse“ einen neuen geheimen Clientschlüssel und kopieren Sie sofort seinen Wert; das Portal zeigt ihn nur einmal an.',
    },
  },
  INPUT_SECRET_IS_ID: {
    en: {
      message: 'The client secret entered is a GUID: that is the secret\'s ID, not its value.',
      remedy: 'Under "Certificates & secrets", copy the entry of the "Value" column, not the "Secret ID". The value is shown only right after the secret was created; if it is hidden now, create a new secret.',
    },
    de: {
      message: 'Der eingegebene geheime Clientschlüssel ist eine GUID: Das ist die ID des Schlüssels, nicht sein Wert.',
      remedy: 'Kopieren Sie unter „Zertifikate & Geheimnisse“ den Eintrag der Spalte „Wert“, nicht die „Geheimnis-ID“. Der Wert wird nur direkt nach dem Erstellen angezeigt; ist er jetzt verdeckt, erstellen Sie einen neuen Schlüssel.',
    },
  },
  INPUT_SECRET_MASKED: {
    en: {
      message: 'The client secret contains asterisks: it was copied from the portal\'s masked display.',
      remedy: 'The portal shows a secret\'s full value only right after it was created. Create a new client secret under "Certificates & secrets" and copy its Value at once.',
    },
    de: {
      message: 'Der geheime Clientschlüssel enthält Sternchen: Er wurde aus der verdeckten Anzeige des Portals kopiert.',
      remedy: 'Das Portal zeigt den vollständigen Wert nur direkt nach dem Erstellen. Erstellen Sie unter „Zertifikate & Geheimnisse“ einen neuen geheimen Clientschlüssel und kopieren Sie sofort seinen Wert.',
    },
  },
  INPUT_SECRET_PLACEHOLDER: {
    en: {
      message: 'The client secret is an example value from a guide, not a real secret.',
      remedy: 'Create a client secret under "Certificates & secrets" in the app registration and copy its Value.',
    },
    de: {
      message: 'Der geheime Clientschlüssel ist ein Beispielwert aus einer Anleitung, kein echter Schlüssel.',
      remedy: 'Erstellen Sie in der App-Registrierung unter „Zertifikate & Geheimnisse“ einen geheimen Clientschlüssel und kopieren Sie seinen Wert.',
    },
  },
  INPUT_SECRET_STRAY_CHARACTERS: {
    en: {
      message: 'The client secret contains quotation marks, spaces or invisible characters, which a secret never contains.',
      remedy: 'Copy the secret\'s Value again and paste it without quotation marks, spaces or line breaks.',
    },
    de: {
      message: 'Der geheime Clientschlüssel enthält Anführungszeichen, Leerzeichen oder unsichtbare Zeichen, die in einem Schlüssel nie vorkommen.',
      remedy: 'Kopieren Sie den Wert des Schlüssels erneut und fügen Sie ihn ohne Anführungszeichen, Leerzeichen oder Zeilenumbrüche ein.',
    },
  },

  NETWORK_DNS_FAILED: {
    en: {
      message: 'The name {host} could not be resolved: {problem}',
      remedy: 'Check the DNS servers of this machine (nslookup {host}). A server without internet name resolution needs a proxy for Microsoft 365.',
    },
    de: {
      message: 'Der Name {host} konnte nicht aufgelöst werden: {problem}',
      remedy: 'Prüfen Sie die DNS-Server dieses Rechners (nslookup {host}). Ein Server ohne Namensauflösung ins Internet braucht einen Proxy für Microsoft 365.',
    },
  },
  PROXY_TARGET_UNREACHABLE: {
    en: {
      message: 'The proxy {proxy} was reached but could not connect to {host} (HTTP {status}).',
      remedy: 'The proxy itself cannot reach {host} on port 443. Ask the network team to check the proxy\'s DNS and its outbound firewall for {host}.',
    },
    de: {
      message: 'Der Proxy {proxy} ist erreichbar, konnte aber keine Verbindung zu {host} herstellen (HTTP {status}).',
      remedy: 'Der Proxy selbst erreicht {host} auf Port 443 nicht. Bitten Sie das Netzwerkteam, DNS und ausgehende Firewall des Proxys für {host} zu prüfen.',
    },
  },
  PERMISSION_CONSENT_MISSING: {
    en: {
      message: 'The access token carries no application permission: admin consent has not been granted for the app.',
      remedy: 'In the app registration, open "API permissions", add the application permissions Mail.ReadWrite and Directory.Read.All of Microsoft Graph and click "Grant admin consent". It can take a few minutes to apply.',
    },
    de: {
      message: 'Das Zugriffstoken enthält keine Anwendungsberechtigung: Für die App wurde keine Administratorzustimmung erteilt.',
      remedy: 'Öffnen Sie in der App-Registrierung „API-Berechtigungen“, fügen Sie die Anwendungsberechtigungen Mail.ReadWrite und Directory.Read.All von Microsoft Graph hinzu und klicken Sie auf „Administratorzustimmung erteilen“. Es kann einige Minuten dauern, bis sie wirkt.',
    },
  },
  PERMISSION_DIRECTORY_MISSING: {
    en: {
      message: 'The access token lacks the application permission Directory.Read.All (granted: {roles}).',
      remedy: 'Add the application permission Directory.Read.All of Microsoft Graph under "API permissions" and click "Grant admin consent". The agent needs it to list users and to read the expiry date of its own secret.',
    },
    de: {
      message: 'Dem Zugriffstoken fehlt die Anwendungsberechtigung Directory.Read.All (erteilt: {roles}).',
      remedy: 'Fügen Sie unter „API-Berechtigungen“ die Anwendungsberechtigung Directory.Read.All von Microsoft Graph hinzu und klicken Sie auf „Administratorzustimmung erteilen“. Der Agent braucht sie, um Benutzer aufzulisten und das Ablaufdatum seines eigenen Schlüssels zu lesen.',
    },
  },
  PERMISSION_MAIL_MISSING: {
    en: {
      message: 'The access token lacks the application permission Mail.ReadWrite (granted: {roles}).',
      remedy: 'Add Mail.ReadWrite under "API permissions" and grant admin consent, unless Exchange Online\'s RBAC for Applications grants the mail access; then this is expected, and the mailbox test decides.',
    },
    de: {
      message: 'Dem Zugriffstoken fehlt die Anwendungsberechtigung Mail.ReadWrite (erteilt: {roles}).',
      remedy: 'Fügen Sie unter „API-Berechtigungen“ Mail.ReadWrite hinzu und erteilen Sie die Administratorzustimmung, es sei denn, RBAC für Anwendungen in Exchange Online gewährt den Postfachzugriff; dann ist das so gewollt, und der Postfachtest entscheidet.',
    },
  },
  CHECK_NO_TEST_MESSAGE: {
    en: {
      message: 'The folder {folder} of {mailbox} contains no message, so reading and marking a message could not be tested.',
      remedy: 'Put a message into the pickup folder and run the check again, or choose another mailbox with --mailbox.',
    },
    de: {
      message: 'Der Ordner {folder} von {mailbox} enthält keine Nachricht, daher konnten Lesen und Markieren einer Nachricht nicht getestet werden.',
      remedy: 'Legen Sie eine Nachricht in den Abholordner und starten Sie die Prüfung erneut, oder wählen Sie mit --mailbox ein anderes Postfach.',
    },
  },
  CLOCK_SKEW: {
    en: {
      message: 'The clock of this server differs from Microsoft\'s by {seconds} seconds.',
      remedy: 'Synchronise the clock with a time server (Windows: w32tm /resync; Linux: chrony or systemd-timesyncd). Tokens are valid for short time windows, so a wrong clock makes sign-ins fail.',
    },
    de: {
      message: 'Die Uhr dieses Servers weicht um {seconds} Sekunden von der Uhr von Microsoft ab.',
      remedy: 'Synchronisieren Sie die Uhr mit einem Zeitserver (Windows: w32tm /resync; Linux: chrony oder systemd-timesyncd). Tokens gelten nur kurze Zeitfenster, daher lässt eine falsche Uhr Anmeldungen scheitern.',
    },
  },
  CREDENTIAL_EXPIRES_SOON: {
    en: {
      message: 'The client secret expires in {days} days, on {date}.',
      remedy: 'Create a new client secret under "Certificates & secrets" in the app registration, store its value in the agent, and delete the old secret once the agent runs with the new one.',
    },
    de: {
      message: 'Der geheime Clientschlüssel läuft in {days} Tagen ab, am {date}.',
      remedy: 'Erstellen Sie in der App-Registrierung unter „Zertifikate & Geheimnisse“ einen neuen geheimen Clientschlüssel, hinterlegen Sie seinen Wert im Agenten und löschen Sie den alten, sobald der Agent mit dem neuen läuft.',
    },
  },
  CREDENTIAL_EXPIRED: {
    en: {
      message: 'The client secret expired on {date}.',
      remedy: 'Create a new client secret under "Certificates & secrets" in the app registration and store its value in the agent. Until then no mail is archived.',
    },
    de: {
      message: 'Der geheime Clientschlüssel ist am {date} abgelaufen.',
      remedy: 'Erstellen Sie in der App-Registrierung unter „Zertifikate & Geheimnisse“ einen neuen geheimen Clientschlüssel und hinterlegen Sie seinen Wert im Agenten. Bis dahin wird keine Mail archiviert.',
    },
  },
  CREDENTIAL_EXPIRY_UNKNOWN: {
    en: {
      message: 'The expiry date of the client secret is unknown: the app may not read its own registration, and no date is set in the settings.',
      remedy: 'Enter the date from the "Expires" column under "Certificates & secrets" in the settings ("secretExpiresOn", for example 2027-06-30), or grant the application permission Application.Read.All or Directory.Read.All.',
    },
    de: {
      message: 'Das Ablaufdatum des geheimen Clientschlüssels ist unbekannt: Die App darf ihre eigene Registrierung nicht lesen, und in den Einstellungen ist kein Datum eingetragen.',
      remedy: 'Tragen Sie das Datum aus der Spalte „Läuft ab“ unter „Zertifikate & Geheimnisse“ in den Einstellungen ein („secretExpiresOn“, zum Beispiel 2027-06-30), oder erteilen Sie die Anwendungsberechtigung Application.Read.All oder Directory.Read.All.',
    },
  },
  CREDENTIAL_NOT_LISTED: {
    en: {
      message: 'The app registration in this tenant lists no secret or certificate that matches the one the agent uses.',
      remedy: 'For an app registered in another tenant, read the date there and enter it in the settings ("secretExpiresOn"). Otherwise check that the agent uses a secret or certificate of this app.',
    },
    de: {
      message: 'Die App-Registrierung in diesem Mandanten führt keinen Schlüssel und kein Zertifikat, das zu dem des Agenten passt.',
      remedy: 'Ist die App in einem anderen Mandanten registriert, lesen Sie das Datum dort ab und tragen Sie es in den Einstellungen ein („secretExpiresOn“). Sonst prüfen Sie, ob der Agent einen Schlüssel oder ein Zertifikat dieser App verwendet.',
    },
  },

  SERVICE_PLATFORM_UNSUPPORTED: {
    en: {
      message: 'Installing the agent as a service is not supported on {platform}.',
      remedy: 'Run the agent as a Windows service or a systemd unit on Linux, or let the desktop app start it after login.',
    },
    de: {
      message: 'Die Einrichtung des Agenten als Dienst wird auf {platform} nicht unterstützt.',
      remedy: 'Betreiben Sie den Agenten als Windows-Dienst oder als systemd-Unit unter Linux, oder lassen Sie ihn von der Desktop-App nach der Anmeldung starten.',
    },
  },
  SERVICE_NEEDS_ROOT: {
    en: {
      message: '"{command}" changes the system service and needs administrator rights.',
      remedy: 'On Linux run it with sudo ("sudo m365-archiver {command}"); on Windows run it from a command prompt opened with "Run as administrator".',
    },
    de: {
      message: '„{command}“ ändert den Systemdienst und braucht Administratorrechte.',
      remedy: 'Führen Sie den Befehl unter Linux mit sudo aus („sudo m365-archiver {command}“), unter Windows in einer Eingabeaufforderung, die mit „Als Administrator ausführen“ geöffnet wurde.',
    },
  },
  SERVICE_PATH_UNSUPPORTED: {
    en: {
      message: 'The service cannot use {path}: {problem}',
      remedy: 'Choose a folder outside /home, /root, /run/user, /tmp and /var/tmp for the data directory and the archive target, and install the program outside these folders too.',
    },
    de: {
      message: 'Der Dienst kann {path} nicht verwenden: {problem}',
      remedy: 'Wählen Sie für Datenverzeichnis und Archivziel einen Ordner außerhalb von /home, /root, /run/user, /tmp und /var/tmp, und installieren Sie auch das Programm außerhalb dieser Ordner.',
    },
  },
  SERVICE_FILE_MISSING: {
    en: {
      message: 'The file {path} that the service needs does not exist.',
      remedy: 'Reinstall the program, or pass the right file with --runtime, --entry or --winsw.',
    },
    de: {
      message: 'Die Datei {path}, die der Dienst braucht, existiert nicht.',
      remedy: 'Installieren Sie das Programm neu, oder geben Sie die richtige Datei mit --runtime, --entry oder --winsw an.',
    },
  },
  SERVICE_COMMAND_FAILED: {
    en: {
      message: '"{command}" failed with exit code {exitCode}: {output}',
      remedy: 'Read the output above, fix the cause and run the service command again. On Linux "journalctl -u m365-mail-archiver" shows the service log.',
    },
    de: {
      message: '„{command}“ ist mit Exitcode {exitCode} fehlgeschlagen: {output}',
      remedy: 'Lesen Sie die Ausgabe oben, beheben Sie die Ursache und führen Sie den Dienstbefehl erneut aus. Unter Linux zeigt „journalctl -u m365-mail-archiver“ das Protokoll des Dienstes.',
    },
  },
  DATA_DIR_LOCKED: {
    en: {
      message: 'Another agent is already using the data directory {path}: process {pid} on {host}, started {startedAt}.',
      remedy: 'Stop that agent first (the service, the desktop app or a shell), or give this one its own folder with --data-dir. If process {pid} is not an agent, delete {lockFile} and start again.',
    },
    de: {
      message: 'Ein anderer Agent verwendet das Datenverzeichnis {path} bereits: Prozess {pid} auf {host}, gestartet {startedAt}.',
      remedy: 'Beenden Sie zuerst diesen Agenten (den Dienst, die Desktop-App oder eine Shell), oder geben Sie diesem Agenten mit --data-dir einen eigenen Ordner. Ist Prozess {pid} kein Agent, löschen Sie {lockFile} und starten Sie erneut.',
    },
  },
  CONTROL_AGENT_NOT_RUNNING: {
    en: {
      message: 'The agent\'s control endpoint {endpoint} cannot be reached ({problem}).',
      remedy: 'Start the agent (the service, the desktop app, or "m365-archiver run" in a shell), or pass the data directory of the running agent with --data-dir. If it runs, check that this account may open {endpoint}: use the agent\'s account or a member of the operators group m365-archiver-operators.',
    },
    de: {
      message: 'Der Steuerungs-Endpunkt des Agenten {endpoint} ist nicht erreichbar ({problem}).',
      remedy: 'Starten Sie den Agenten (den Dienst, die Desktop-App oder „m365-archiver run“ in einer Shell), oder geben Sie mit --data-dir das Datenverzeichnis des laufenden Agenten an. Läuft er, prüfen Sie, ob dieses Konto {endpoint} öffnen darf: Verwenden Sie das Konto des Agenten oder ein Mitglied der Betreibergruppe m365-archiver-operators.',
    },
  },
  CONTROL_AUTH_FAILED: {
    en: {
      message: 'The agent at {endpoint} rejected the control token.',
      remedy: 'Use the token from control.token in the agent\'s data directory: run the command as the agent\'s account or as a member of the operators group m365-archiver-operators. Restarting the agent keeps the token; deleting the file makes the agent create a new one at its next start.',
    },
    de: {
      message: 'Der Agent unter {endpoint} hat das Steuerungs-Token abgelehnt.',
      remedy: 'Verwenden Sie das Token aus control.token im Datenverzeichnis des Agenten: Führen Sie den Befehl mit dem Konto des Agenten oder als Mitglied der Betreibergruppe m365-archiver-operators aus. Ein Neustart des Agenten behält das Token; wird die Datei gelöscht, legt der Agent beim nächsten Start ein neues an.',
    },
  },
  CONTROL_IMPOSTOR: {
    en: {
      message: 'The process listening at {endpoint} could not prove that it knows the control token, so nothing was sent to it.',
      remedy: 'Another program may have taken the agent\'s endpoint. Find and stop the process that listens at {endpoint}, then restart the agent.',
    },
    de: {
      message: 'Der Prozess, der unter {endpoint} lauscht, konnte nicht nachweisen, dass er das Steuerungs-Token kennt; deshalb wurde ihm nichts gesendet.',
      remedy: 'Möglicherweise hat ein anderes Programm den Endpunkt des Agenten belegt. Suchen und beenden Sie den Prozess, der unter {endpoint} lauscht, und starten Sie dann den Agenten neu.',
    },
  },
  CONTROL_TIMEOUT: {
    en: {
      message: 'The agent at {endpoint} did not respond to "{operation}" within {ms} ms.',
      remedy: 'Check in the agent\'s log whether it is busy or hanging, for example on an unreachable network share, and try again.',
    },
    de: {
      message: 'Der Agent unter {endpoint} hat auf „{operation}“ nicht innerhalb von {ms} ms geantwortet.',
      remedy: 'Prüfen Sie im Protokoll des Agenten, ob er beschäftigt ist oder hängt, zum Beispiel an einer nicht erreichbaren Netzwerkfreigabe, und versuchen Sie es erneut.',
    },
  },
  CONTROL_TOKEN_UNREADABLE: {
    en: {
      message: 'The control token {path} could not be read: {problem}',
      remedy: 'Run the command as the agent\'s account or as a member of the operators group m365-archiver-operators, which may read this file. A damaged file can be deleted; the agent creates a new one at its next start.',
    },
    de: {
      message: 'Das Steuerungs-Token {path} konnte nicht gelesen werden: {problem}',
      remedy: 'Führen Sie den Befehl mit dem Konto des Agenten oder als Mitglied der Betreibergruppe m365-archiver-operators aus, die diese Datei lesen darf. Eine beschädigte Datei kann gelöscht werden; der Agent legt beim nächsten Start eine neue an.',
    },
  },
  CONTROL_PROTOCOL_ERROR: {
    en: {
      message: 'A message on the control channel was invalid: {problem}',
      remedy: 'Use the desktop app and the agent of the same version. If they match, send the agent\'s log to support.',
    },
    de: {
      message: 'Eine Nachricht auf dem Steuerungskanal war ungültig: {problem}',
      remedy: 'Verwenden Sie Desktop-App und Agent in derselben Version. Stimmen die Versionen überein, senden Sie das Protokoll des Agenten an den Support.',
    },
  },
  CONTROL_CONNECTION_LOST: {
    en: {
      message: 'The connection to the agent at {endpoint} ended before it answered.',
      remedy: 'The agent may be stopping or restarting. Check its log and connect again.',
    },
    de: {
      message: 'Die Verbindung zum Agenten unter {endpoint} endete, bevor er geantwortet hat.',
      remedy: 'Der Agent wird möglicherweise gerade beendet oder neu gestartet. Prüfen Sie sein Protokoll und verbinden Sie sich erneut.',
    },
  },
  CONTROL_LISTEN_FAILED: {
    en: {
      message: 'The agent could not open its control endpoint {endpoint}: {problem}',
      remedy: 'Another program may be using this name or path. Stop it, or delete a leftover socket file at {endpoint}, and start the agent again.',
    },
    de: {
      message: 'Der Agent konnte seinen Steuerungs-Endpunkt {endpoint} nicht öffnen: {problem}',
      remedy: 'Möglicherweise verwendet ein anderes Programm diesen Namen oder Pfad. Beenden Sie es oder löschen Sie eine übrig gebliebene Socket-Datei unter {endpoint}, und starten Sie den Agenten erneut.',
    },
  },
  IPC_SENDER_REJECTED: {
    en: {
      message: 'The app rejected a request for "{method}" because it did not come from the app\'s own window.',
      remedy: 'Close any other window or embedded page of the app and use the main window. If this keeps happening, send the app\'s log to support.',
    },
    de: {
      message: 'Die App hat eine Anfrage für „{method}“ abgelehnt, weil sie nicht aus dem eigenen Fenster der App kam.',
      remedy: 'Schließen Sie andere Fenster oder eingebettete Seiten der App und verwenden Sie das Hauptfenster. Tritt der Fehler weiter auf, senden Sie das Protokoll der App an den Support.',
    },
  },
  IPC_INVALID_ARGUMENT: {
    en: {
      message: 'The request "{method}" is invalid: {problem}',
      remedy: 'Reload the window and try again. If this keeps happening, the window and the app may be of different versions: reinstall the app.',
    },
    de: {
      message: 'Die Anfrage „{method}“ ist ungültig: {problem}',
      remedy: 'Laden Sie das Fenster neu und versuchen Sie es erneut. Tritt der Fehler weiter auf, passen Fenster und App möglicherweise nicht zusammen: Installieren Sie die App neu.',
    },
  },
  IPC_CONNECTION_MISSING: {
    en: {
      message: 'There is no connection to Microsoft 365 for "{method}" yet: {problem}',
      remedy: 'Run the connection test with tenant, client ID and client secret first, or save complete settings.',
    },
    de: {
      message: 'Für „{method}“ besteht noch keine Verbindung zu Microsoft 365: {problem}',
      remedy: 'Führen Sie zuerst den Verbindungstest mit Mandant, Client-ID und geheimem Clientschlüssel aus, oder speichern Sie vollständige Einstellungen.',
    },
  },
  INTERNAL: {
    en: {
      message: 'An unexpected error occurred: {problem}',
      remedy: 'Send the log file of this run to support.',
    },
    de: {
      message: 'Ein unerwarteter Fehler ist aufgetreten: {problem}',
      remedy: 'Senden Sie die Protokolldatei dieses Laufs an den Support.',
    },
  },
};
