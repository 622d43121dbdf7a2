@echo off
rem Runs the M365 Mail Archiver agent CLI on the app's bundled Electron binary as plain Node
rem (ELECTRON_RUN_AS_NODE=1) and passes its exit code through.
rem
rem The Electron binary is a GUI-subsystem program. An interactive prompt does not wait for such
rem a program, but a batch file waits for every program it starts directly, GUI or console, and
rem sets ERRORLEVEL to its exit code. So this script calls the exe directly: "start /wait" is not
rem needed, and it would open a new window and lose the agent's output.
rem
rem Layout of the installed app (electron-builder):
rem   <install dir>\M365 Mail Archiver.exe                            the Electron binary
rem   <install dir>\resources\app.asar\dist\src-agent\cli\main.js     the agent CLI
rem   <install dir>\resources\bin\m365-archiver.cmd                   this script
rem
rem NOTE: Electron on Windows attaches to the console for output; whether the hidden prompt of
rem "secret set" can read console input through this launcher is untested. Piping the secret into
rem "secret set" needs no prompt.
setlocal
set "ELECTRON_RUN_AS_NODE=1"
"%~dp0..\..\M365 Mail Archiver.exe" "%~dp0..\app.asar\dist\src-agent\cli\main.js" %*
exit /b %ERRORLEVEL%
