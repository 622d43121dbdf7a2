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
      remedy: 'Create it with the desktop app, or copy config.example.json from the documentation and fill in your values.',
    },
    de: {
      message: 'Die Konfigurationsdatei {path} existiert nicht.',
      remedy: 'Legen Sie sie mit der Desktop-App an oder kopieren Sie config.example.json aus der Dokumentation und tragen Sie Ihre Werte ein.',
    },
  },
  CONFIG_INVALID: {
    en: {
      message: 'The configuration is invalid at "{field}": {problem}',
      remedy: 'Correct the value of "{field}" in {path} and start the agent again.',
    },
    de: {
      message: 'Die Konfiguration ist ungültig bei "{field}": {problem}',
      remedy: 'Korrigieren Sie den Wert von "{field}" in {path} und starten Sie den Agenten neu.',
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
      remedy: 'Exportieren Sie das Stammzertifikat Ihres TLS-prüfenden Proxys als PEM (Base64) und tragen Sie den Pfad in "extraCaFile" ein.',
    },
  },

  SECRET_MISSING: {
    en: {
      message: 'No client secret was found (looked in: {sources}).',
      remedy: 'Store the secret with the desktop app, set AZURE_CLIENT_SECRET for a shell, or point "secretFile" at a file that only the agent\'s account can read.',
    },
    de: {
      message: 'Es wurde kein geheimer Clientschlüssel gefunden (gesucht in: {sources}).',
      remedy: 'Speichern Sie den Schlüssel mit der Desktop-App, setzen Sie AZURE_CLIENT_SECRET für eine Shell oder verweisen Sie mit "secretFile" auf eine Datei, die nur das Konto des Agenten lesen darf.',
    },
  },
  SECRET_FILE_INSECURE: {
    en: {
      message: 'The secret file {path} can be read by other users (mode {mode}), so it is not used.',
      remedy: 'Run: chmod 600 "{path}" and make the agent\'s account its owner.',
    },
    de: {
      message: 'Die Schlüsseldatei {path} ist für andere Benutzer lesbar (Modus {mode}) und wird deshalb nicht verwendet.',
      remedy: 'Führen Sie chmod 600 "{path}" aus und machen Sie das Konto des Agenten zum Besitzer.',
    },
  },
  SECRET_FILE_UNREADABLE: {
    en: {
      message: 'The secret file {path} could not be read: {problem}',
      remedy: 'Check the path in "secretFile" and that the agent\'s account may read the file.',
    },
    de: {
      message: 'Die Schlüsseldatei {path} konnte nicht gelesen werden: {problem}',
      remedy: 'Prüfen Sie den Pfad in "secretFile" und ob das Konto des Agenten die Datei lesen darf.',
    },
  },

  AUTH_TENANT_NOT_FOUND: {
    en: {
      message: 'Microsoft Entra ID does not know the tenant "{tenant}" (AADSTS90002).',
      remedy: 'Enter the tenant ID (Overview page of Entra ID) or the primary domain such as contoso.onmicrosoft.com, and check that the cloud (global, US Government, China) is right.',
    },
    de: {
      message: 'Microsoft Entra ID kennt den Mandanten "{tenant}" nicht (AADSTS90002).',
      remedy: 'Geben Sie die Mandanten-ID (Übersichtsseite von Entra ID) oder die primäre Domäne wie contoso.onmicrosoft.com ein und prüfen Sie, ob die Cloud (global, US Government, China) stimmt.',
    },
  },
  AUTH_TENANT_INVALID: {
    en: {
      message: 'The tenant "{tenant}" is neither a tenant ID nor a valid domain name.',
      remedy: 'Enter the tenant ID (a GUID) or the primary domain, without "https://" and without an e-mail address.',
    },
    de: {
      message: 'Der Mandant "{tenant}" ist weder eine Mandanten-ID noch ein gültiger Domänenname.',
      remedy: 'Geben Sie die Mandanten-ID (eine GUID) oder die primäre Domäne ein, ohne "https://" und ohne E-Mail-Adresse.',
    },
  },
  AUTH_CLIENT_NOT_FOUND: {
    en: {
      message: 'No app with client ID {clientId} exists in tenant "{tenant}" (AADSTS700016).',
      remedy: 'Copy the "Application (client) ID" from the app registration\'s overview page, and check that the app is registered in this tenant.',
    },
    de: {
      message: 'Im Mandanten "{tenant}" gibt es keine App mit der Client-ID {clientId} (AADSTS700016).',
      remedy: 'Kopieren Sie die "Anwendungs-ID (Client)" von der Übersichtsseite der App-Registrierung und prüfen Sie, ob die App in diesem Mandanten registriert ist.',
    },
  },
  AUTH_SECRET_INVALID: {
    en: {
      message: 'Entra ID rejected the client secret ({aadsts}).',
      remedy: 'Under "Certificates & secrets", copy the secret\'s Value, not its Secret ID. The value is shown only right after the secret was created; if it is lost, create a new secret.',
    },
    de: {
      message: 'Entra ID hat den geheimen Clientschlüssel abgelehnt ({aadsts}).',
      remedy: 'Kopieren Sie unter "Zertifikate & Geheimnisse" den Wert des Schlüssels, nicht die Geheimnis-ID. Der Wert wird nur direkt nach dem Erstellen angezeigt; ist er verloren, erstellen Sie einen neuen Schlüssel.',
    },
  },
  AUTH_SECRET_EXPIRED: {
    en: {
      message: 'The client secret has expired (AADSTS7000222).',
      remedy: 'Create a new client secret under "Certificates & secrets" in the app registration and store its value in the agent.',
    },
    de: {
      message: 'Der geheime Clientschlüssel ist abgelaufen (AADSTS7000222).',
      remedy: 'Erstellen Sie in der App-Registrierung unter "Zertifikate & Geheimnisse" einen neuen geheimen Clientschlüssel und hinterlegen Sie seinen Wert im Agenten.',
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
      remedy: 'Laden Sie den öffentlichen Teil des Zertifikats unter "Zertifikate & Geheimnisse" hoch und prüfen Sie, ob der Agent den passenden privaten Schlüssel verwendet.',
    },
  },
  AUTH_APP_DISABLED: {
    en: {
      message: 'The app is disabled in the tenant (AADSTS7000112).',
      remedy: 'In Entra ID, open "Enterprise applications", select the app and set "Enabled for users to sign in" to Yes.',
    },
    de: {
      message: 'Die App ist im Mandanten deaktiviert (AADSTS7000112).',
      remedy: 'Öffnen Sie in Entra ID "Unternehmensanwendungen", wählen Sie die App und setzen Sie "Aktiviert für die Benutzeranmeldung" auf Ja.',
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
      remedy: 'Fügen Sie in der App-Registrierung unter "API-Berechtigungen" die Anwendungsberechtigungen Mail.ReadWrite und Directory.Read.All hinzu und klicken Sie auf "Administratorzustimmung erteilen".',
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
      remedy: 'Bei einmaligem Auftreten nichts zu tun: Der nächste Lauf macht weiter. Passiert es bei jedem Lauf, belasten eventuell andere Apps dasselbe Postfach stark, oder verringern Sie "maxParallelMailboxes".',
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
      message: 'Die Kategorie "{category}" wurde nicht an die Nachricht gesetzt, obwohl Graph die Änderung angenommen hat.',
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
      remedy: 'Prüft ein Proxy TLS-Verbindungen, exportieren Sie sein Stammzertifikat als PEM und tragen Sie den Pfad in "extraCaFile" ein.',
    },
  },
  PROXY_UNREACHABLE: {
    en: {
      message: 'The proxy {proxy} could not be reached: {problem}',
      remedy: 'Check the proxy address and port in the settings (or HTTPS_PROXY), and that the proxy service is running and reachable from this server.',
    },
    de: {
      message: 'Der Proxy {proxy} ist nicht erreichbar: {problem}',
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
      remedy: 'Setzen Sie "stagingFolder" auf einen Ordner auf demselben Laufwerk wie das Ziel, außerhalb des Ordners, aus dem das Archiv importiert.',
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
      remedy: 'Stellen Sie sie aus einer Sicherung wieder her. Importiert und entfernt das Archiv Dateien aus diesem Ordner, setzen Sie "target.importFolder" auf true.',
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
