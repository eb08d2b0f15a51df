@echo off
rem Stand-in for sc.exe on nodes that need one, reached through shim.exe copied as sc.exe in the
rem tools folder; it runs Wine's real sc.exe and changes only what its mode says:
rem   STUB_SC=localized  the labels and state words come out translated. sc query prints
rem                      "STATE : 4  RUNNING"; on a localized Windows the label and the word are
rem                      translated and the number is not (real-node-facts.md). The French words
rem                      stand for any translation, they are not copied from one.
rem   STUB_SC=denied     every call fails as sc does for a caller without rights:
rem                      "[SC] OpenSCManager FAILED 5:" and "Access is denied.", exit code 5.
rem   STUB_SC=stop-pending, STUB_SC=paused  sc query reports a stopped service as still stopping
rem                      or as paused: "STATE : 3  STOP_PENDING" or "STATE : 7  PAUSED", the
rem                      numbers of SERVICE_STATUS's dwCurrentState (SERVICE_STOP_PENDING 0x3,
rem                      SERVICE_PAUSED 0x7; learn.microsoft.com, "SERVICE_STATUS structure"),
rem                      which Wine's own services cannot be brought to on demand. Only the query
rem                      changes: a script must refuse on it before any change, and one that goes
rem                      on is seen by its key export, which comes before any sc start.
rem In every mode a service that does not exist gives Windows' answer, which Wine's sc lacks:
rem "[SC] EnumQueryServicesStatus:OpenService FAILED 1060:", exit code 1060.
setlocal EnableExtensions DisableDelayedExpansion
set "STUB_ARGV="
set "OUT=%STUB_STATE%\sc-out.txt"
if /i "%STUB_SC%"=="denied" goto denied
"%SystemRoot%\system32\sc.exe" %* >"%OUT%" 2>&1
set "RC=%ERRORLEVEL%"
if /i not "%~1"=="query" goto plain
if not "%RC%"=="0" goto missing
if /i "%STUB_SC%"=="stop-pending" goto other_state
if /i "%STUB_SC%"=="paused" goto other_state
if /i not "%STUB_SC%"=="localized" goto plain
for /f "usebackq delims=" %%L in ("%OUT%") do (
    set "LINE=%%L"
    call :translate
)
exit /b 0

:translate
set "LINE=%LINE:SERVICE_NAME=NOM_DU_SERVICE%"
set "LINE=%LINE:TYPE  =GENRE %"
set "LINE=%LINE:STATE=ETAT %"
set "LINE=%LINE:START_PENDING=DEMARRAGE_EN_COURS%"
set "LINE=%LINE:STOP_PENDING=ARRET_EN_COURS%"
set "LINE=%LINE:RUNNING=EN_COURS%"
set "LINE=%LINE:STOPPED=ARRETE%"
echo %LINE%
goto :eof

:other_state
for /f "usebackq delims=" %%L in ("%OUT%") do (
    set "LINE=%%L"
    call :restate
)
exit /b 0

:restate
if /i "%STUB_SC%"=="stop-pending" set "LINE=%LINE:1  STOPPED=3  STOP_PENDING%"
if /i "%STUB_SC%"=="paused" set "LINE=%LINE:1  STOPPED=7  PAUSED%"
echo %LINE%
goto :eof

:plain
type "%OUT%"
exit /b %RC%

:missing
echo [SC] EnumQueryServicesStatus:OpenService FAILED 1060:
echo.
echo The specified service does not exist as an installed service.
echo.
exit /b 1060

:denied
echo [SC] OpenSCManager FAILED 5:
echo.
echo Access is denied.
echo.
exit /b 5
