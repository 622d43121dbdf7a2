; Additions to electron-builder's NSIS installer for M365 Mail Archiver (electron-builder.yml,
; nsis.include). electron-builder inserts these macros at fixed points:
;   customInit       .onInit, elevated (perMachine), before any page and before the old version's
;                    uninstaller runs during an upgrade
;   customInstall    end of the install section, after the new files are in place
;   customUnInstall  start of the uninstall section; during an upgrade the new installer runs the
;                    old uninstaller with --updated, which ${isUpdated} reports
;
; Installer options (command line, also with /S):
;   --install-service   install the Windows service (WinSW) on a machine that has none yet
; Uninstaller options:
;   --delete-data-dir   with /S: also delete the data directory (settings, state, logs, journal)
;
; The archive target folder is never touched: it lives wherever config.json points.
; Names come from src-agent/service/names.ts and src-agent/config/paths.ts.

!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define M365_SERVICE_ID "m365-mail-archiver"
!define M365_OPERATORS_GROUP "m365-archiver-operators"
!define M365_DATA_DIR_NAME "M365 Mail Archiver"
!define M365_LAUNCHER "resources\bin\m365-archiver.cmd"
!define M365_WINSW_XML "resources\winsw\${M365_SERVICE_ID}.xml"
; WinSW waits up to <stoptimeout> (60 s in the service XML) for the agent, then ends it.
!define M365_STOP_WAIT_SECONDS 90

Var m365ServiceInstalled
Var m365ServiceWasRunning
Var m365DataDir

; Language IDs: 1033 English (United States), 1031 German (Germany).
LangString m365StoppingService 1033 "Stopping the service ${M365_SERVICE_ID} before the update..."
LangString m365StoppingService 1031 "Der Dienst ${M365_SERVICE_ID} wird vor der Aktualisierung beendet..."
LangString m365StopFailed 1033 "The service ${M365_SERVICE_ID} did not stop within ${M365_STOP_WAIT_SECONDS} seconds. Stop it in services.msc and run the installer again."
LangString m365StopFailed 1031 "Der Dienst ${M365_SERVICE_ID} wurde nicht innerhalb von ${M365_STOP_WAIT_SECONDS} Sekunden beendet. Beenden Sie ihn in services.msc und starten Sie das Installationsprogramm erneut."
LangString m365Upgrading 1033 "Backing up the state database and updating its schema..."
LangString m365Upgrading 1031 "Die Statusdatenbank wird gesichert und ihr Schema aktualisiert..."
LangString m365UpgradeFailed 1033 "The state database could not be backed up or updated (exit code $0). The service was not started. Details: m365-archiver state upgrade. The previous database is unchanged if the backup failed; a backup is in the folder backups of the data directory otherwise."
LangString m365UpgradeFailed 1031 "Die Statusdatenbank konnte nicht gesichert oder aktualisiert werden (Exit-Code $0). Der Dienst wurde nicht gestartet. Details: m365-archiver state upgrade. Schlug die Sicherung fehl, ist die bisherige Datenbank unverändert; sonst liegt eine Sicherung im Ordner backups des Datenverzeichnisses."
LangString m365PreparingData 1033 "Creating the operators group and the data directory..."
LangString m365PreparingData 1031 "Die Betreibergruppe und das Datenverzeichnis werden angelegt..."
LangString m365StartingService 1033 "Starting the service ${M365_SERVICE_ID}..."
LangString m365StartingService 1031 "Der Dienst ${M365_SERVICE_ID} wird gestartet..."
LangString m365InstallingService 1033 "Installing the service ${M365_SERVICE_ID}..."
LangString m365InstallingService 1031 "Der Dienst ${M365_SERVICE_ID} wird eingerichtet..."
LangString m365ServiceInstallFailed 1033 "The service could not be installed (exit code $0). Install it later with: m365-archiver service install"
LangString m365ServiceInstallFailed 1031 "Der Dienst konnte nicht eingerichtet werden (Exit-Code $0). Richten Sie ihn später ein mit: m365-archiver service install"
LangString m365RemovingService 1033 "Stopping and removing the service ${M365_SERVICE_ID}..."
LangString m365RemovingService 1031 "Der Dienst ${M365_SERVICE_ID} wird beendet und entfernt..."
LangString m365AskDeleteData 1033 "Also delete the data directory $m365DataDir?$\r$\n$\r$\nIt contains the settings, the state database, the journal and the logs. The archived mail in the archive folder is kept either way.$\r$\n$\r$\nChoose No to keep it for a later installation."
LangString m365AskDeleteData 1031 "Auch das Datenverzeichnis $m365DataDir löschen?$\r$\n$\r$\nEs enthält die Einstellungen, die Statusdatenbank, das Journal und die Protokolle. Die archivierten E-Mails im Archivordner bleiben in jedem Fall erhalten.$\r$\n$\r$\nWählen Sie Nein, um es für eine spätere Installation zu behalten."

; Sets $m365DataDir to %ProgramData%\M365 Mail Archiver, as defaultDataDir() in paths.ts does.
!macro m365FindDataDir
  ReadEnvStr $m365DataDir "ProgramData"
  ${If} $m365DataDir == ""
    StrCpy $m365DataDir "C:\ProgramData"
  ${EndIf}
  StrCpy $m365DataDir "$m365DataDir\${M365_DATA_DIR_NAME}"
!macroend

; Sets $m365ServiceInstalled and $m365ServiceWasRunning from "sc.exe query". sc.exe exits with
; 1060 (ERROR_SERVICE_DOES_NOT_EXIST) for an unknown service; find.exe exits with 0 on a match.
!macro m365QueryService
  nsExec::Exec '"$SYSDIR\sc.exe" query "${M365_SERVICE_ID}"'
  Pop $0
  ${If} $0 == 0
    StrCpy $m365ServiceInstalled "1"
  ${Else}
    StrCpy $m365ServiceInstalled "0"
  ${EndIf}
  nsExec::Exec '"$SYSDIR\cmd.exe" /d /c ""$SYSDIR\sc.exe" query "${M365_SERVICE_ID}" | "$SYSDIR\find.exe" "RUNNING""'
  Pop $0
  ${If} $0 == 0
    StrCpy $m365ServiceWasRunning "1"
  ${Else}
    StrCpy $m365ServiceWasRunning "0"
  ${EndIf}
!macroend

; Stops the service and polls once a second until sc.exe reports STOPPED. Leaves $0 at 0 when it
; stopped and at 1 when it is still running after M365_STOP_WAIT_SECONDS.
!macro m365StopService
  nsExec::Exec '"$SYSDIR\sc.exe" stop "${M365_SERVICE_ID}"'
  Pop $0
  StrCpy $1 0
  ${Do}
    nsExec::Exec '"$SYSDIR\cmd.exe" /d /c ""$SYSDIR\sc.exe" query "${M365_SERVICE_ID}" | "$SYSDIR\find.exe" "STOPPED""'
    Pop $0
    ${If} $0 == 0
      ${Break}
    ${EndIf}
    ${If} $1 >= ${M365_STOP_WAIT_SECONDS}
      StrCpy $0 1
      ${Break}
    ${EndIf}
    Sleep 1000
    IntOp $1 $1 + 1
  ${Loop}
!macroend

!macro customInit
  InitPluginsDir
  !insertmacro m365FindDataDir
  !insertmacro m365QueryService
  ${If} $m365ServiceInstalled == "1"
    DetailPrint "$(m365StoppingService)"
    !insertmacro m365StopService
    ${If} $0 != 0
      MessageBox MB_OK|MB_ICONSTOP "$(m365StopFailed)" /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
    ; The old uninstaller deletes the install folder, and with it the service XML that
    ; "service install" wrote there (account, data directory). customInstall puts it back.
    ${If} ${FileExists} "$INSTDIR\${M365_WINSW_XML}"
      CopyFiles /SILENT "$INSTDIR\${M365_WINSW_XML}" "$PLUGINSDIR\${M365_SERVICE_ID}.xml"
    ${EndIf}
  ${EndIf}
!macroend

!ifndef BUILD_UNINSTALLER
  ; Cancelling the installer after customInit stopped the service starts it again.
  !define MUI_CUSTOMFUNCTION_ABORT m365OnAbort
  Function m365OnAbort
    ${If} $m365ServiceWasRunning == "1"
      nsExec::Exec '"$SYSDIR\sc.exe" start "${M365_SERVICE_ID}"'
      Pop $0
    ${EndIf}
  FunctionEnd
!endif

!macro customInstall
  !insertmacro m365FindDataDir

  DetailPrint "$(m365PreparingData)"
  ; net.exe exits with 2 when the group exists already (system error 1379), which is fine.
  nsExec::ExecToLog '"$SYSDIR\net.exe" localgroup "${M365_OPERATORS_GROUP}" /add /comment:"M365 Mail Archiver: may operate the agent and read its data directory"'
  Pop $0
  CreateDirectory "$m365DataDir"
  ; Only SYSTEM (S-1-5-18), the Administrators (S-1-5-32-544) and the operators group may use the
  ; data directory. SIDs instead of names, because the names are translated on German Windows.
  ; A service account other than LocalSystem gets its access as a member of the operators group.
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$m365DataDir" /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" "${M365_OPERATORS_GROUP}:(OI)(CI)M"'
  Pop $0

  ; The state database may come from an older agent: back it up and migrate it with the new one.
  StrCpy $2 "1"
  ${If} ${FileExists} "$m365DataDir\state.sqlite"
    DetailPrint "$(m365Upgrading)"
    nsExec::ExecToLog '"$SYSDIR\cmd.exe" /d /c ""$INSTDIR\${M365_LAUNCHER}" --data-dir "$m365DataDir" state upgrade"'
    Pop $0
    ${If} $0 != 0
      StrCpy $2 "0"
      MessageBox MB_OK|MB_ICONSTOP "$(m365UpgradeFailed)" /SD IDOK
    ${EndIf}
  ${EndIf}

  ${If} $m365ServiceInstalled == "1"
    ${If} ${FileExists} "$PLUGINSDIR\${M365_SERVICE_ID}.xml"
      CopyFiles /SILENT "$PLUGINSDIR\${M365_SERVICE_ID}.xml" "$INSTDIR\${M365_WINSW_XML}"
    ${EndIf}
    ${If} $m365ServiceWasRunning == "1"
    ${AndIf} $2 == "1"
      DetailPrint "$(m365StartingService)"
      nsExec::ExecToLog '"$SYSDIR\sc.exe" start "${M365_SERVICE_ID}"'
      Pop $0
    ${EndIf}
  ${Else}
    ${GetParameters} $R0
    ClearErrors
    ${GetOptions} $R0 "--install-service" $R1
    ${IfNot} ${Errors}
      DetailPrint "$(m365InstallingService)"
      nsExec::ExecToLog '"$SYSDIR\cmd.exe" /d /c ""$INSTDIR\${M365_LAUNCHER}" --data-dir "$m365DataDir" service install"'
      Pop $0
      ${If} $0 != 0
        MessageBox MB_OK|MB_ICONEXCLAMATION "$(m365ServiceInstallFailed)" /SD IDOK
      ; Without config.json the agent would only fail and restart, so the service starts once
      ; the admin has saved the settings in the app.
      ${ElseIf} ${FileExists} "$m365DataDir\config.json"
        nsExec::ExecToLog '"$SYSDIR\sc.exe" start "${M365_SERVICE_ID}"'
        Pop $0
      ${EndIf}
    ${EndIf}
  ${EndIf}
!macroend

!macro customUnInstall
  ; During an upgrade the new installer has stopped the service and keeps it registered.
  ${IfNot} ${isUpdated}
    !insertmacro m365FindDataDir
    !insertmacro m365QueryService
    ${If} $m365ServiceInstalled == "1"
      DetailPrint "$(m365RemovingService)"
      nsExec::ExecToLog '"$SYSDIR\cmd.exe" /d /c ""$INSTDIR\${M365_LAUNCHER}" service uninstall"'
      Pop $0
      ${If} $0 != 0
        ; The agent could not remove it (damaged install): stop and delete it with sc.exe.
        !insertmacro m365StopService
        nsExec::ExecToLog '"$SYSDIR\sc.exe" delete "${M365_SERVICE_ID}"'
        Pop $0
      ${EndIf}
    ${EndIf}

    ; The data directory stays unless the admin asks for its removal. The operators group stays
    ; too, because an admin may have added members and may install again.
    StrCpy $R2 "0"
    ${If} ${Silent}
      ${GetParameters} $R0
      ClearErrors
      ${GetOptions} $R0 "--delete-data-dir" $R1
      ${IfNot} ${Errors}
        StrCpy $R2 "1"
      ${EndIf}
    ${ElseIf} ${FileExists} "$m365DataDir\*.*"
      MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(m365AskDeleteData)" IDNO m365KeepData
      StrCpy $R2 "1"
      m365KeepData:
    ${EndIf}
    ${If} $R2 == "1"
      RMDir /r "$m365DataDir"
    ${EndIf}
  ${EndIf}
!macroend
