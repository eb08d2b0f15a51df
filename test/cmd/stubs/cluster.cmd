@echo off
rem Stand-in for cluster.exe, reached through shim.exe copied as cluster.exe. It models one
rem resource of one cluster and the registry checkpoint that resource keeps of its service's
rem subtree (KB Q174070, MS-CMRP: the checkpointed registry data is restored before every online).
rem   STUB_CLUSTER, STUB_RESOURCE, STUB_GROUP, STUB_SERVICE  what exists
rem   STUB_OWNER     node that owns the group
rem   STUB_STATE     folder holding resource.txt (the resource state) and checkpoint.reg (the
rem                  checkpoint of the service's subtree, saved by the harness before the restore)
rem   STUB_ONLINE    ok; fail: the resource fails to come online even when the checkpoint is
rem                  harmless; pending: /online returns with the resource Online Pending, and it
rem                  becomes Online two status reads later (real-node-facts.md: /online /wait:N
rem                  may return while the resource is still Online Pending); service-dies: the
rem                  resource comes Online, then the service process ends (sc stop stands in for
rem                  it); the resource reads Online until the cluster's next IsAlive poll
rem                  (IsAlivePollInterval, 60 s by default for a Generic Service resource)
rem   STUB_LANG      fr: the status words and headers come out translated. They are message-table
rem                  strings (MSG_STATUS_*) that a localized Windows prints in its own language;
rem                  the French words here stand for any translation, they are not copied from one.
rem   STUB_FLIP      N:STATE: at the Nth status read the resource is found in STATE, as if an
rem                  operator or the cluster changed it between two reads of the script
rem   STUB_KEY       the Restore in Progress key, relative to HKLM
rem   STUB_LOG       every call and every checkpoint decision is appended here
rem With /cluster:NAME it talks to that cluster (over RPC on a real node); without, to the local one.
rem Output follows the cluster.exe status table of Windows 2000 and Server 2003: a "Listing status"
rem line, a blank line, the header, dashes, then one row whose columns are 20, 20 and 15
rem characters wide, each followed by one blank; longer values run past their column.
setlocal EnableExtensions DisableDelayedExpansion
rem The calls this stand-in makes itself are not the script's: keep them out of the argv trace.
set "STUB_ARGV="
>>"%STUB_LOG%" echo cluster %*
set "STATE_FILE=%STUB_STATE%\resource.txt"
set "PENDING_FILE=%STUB_STATE%\pending.txt"
set /p STATE=<"%STATE_FILE%"

set "ARG=%~1"
set "ARG=%ARG:"=%"
if /i not "%ARG:~0,9%"=="/cluster:" goto local
if /i not "%ARG%"=="/cluster:%STUB_CLUSTER%" goto no_cluster
shift
:local
if /i not "%~1"=="resource" if /i not "%~1"=="res" goto usage
if /i not "%~2"=="%STUB_RESOURCE%" goto no_resource
if /i "%~3"=="/status" goto status
if /i "%~3"=="/stat" goto status
if /i "%~3"=="/online" goto online
if /i "%~3"=="/on" goto online
goto usage

:status
if defined STUB_FLIP call :flip
rem An Online Pending resource from STUB_ONLINE=pending comes online after two status reads.
if not "%STATE%"=="Online Pending" goto status_table
if not exist "%PENDING_FILE%" goto status_table
set /p LEFT=<"%PENDING_FILE%"
set /a "LEFT-=1"
>"%PENDING_FILE%" echo %LEFT%
if %LEFT% GTR 0 goto status_table
>"%STATE_FILE%" echo Online
set "STATE=Online"
>>"%STUB_LOG%" echo cluster: resource Online
:status_table
call :table
exit /b 0

:online
echo Bringing resource '%STUB_RESOURCE%' online...
echo.
"%SystemRoot%\system32\sc.exe" query "%STUB_SERVICE%" | find "RUNNING" >nul
if errorlevel 1 goto checkpoint_restored
>>"%STUB_LOG%" echo cluster: checkpoint of SYSTEM\CurrentControlSet\Services\%STUB_SERVICE% not restored, the running service holds the key open: event 1024
if /i "%STUB_ONLINE%"=="fail" goto online_failed
if /i "%STUB_ONLINE%"=="pending" goto online_pending
>"%STATE_FILE%" echo Online
set "STATE=Online"
>>"%STUB_LOG%" echo cluster: resource Online
if /i "%STUB_ONLINE%"=="service-dies" (
    "%SystemRoot%\system32\sc.exe" stop "%STUB_SERVICE%" >nul 2>&1
    >>"%STUB_LOG%" echo cluster: the service ended after the resource came online
)
call :table
exit /b 0

:online_pending
>"%STATE_FILE%" echo Online Pending
>"%PENDING_FILE%" echo 2
set "STATE=Online Pending"
>>"%STUB_LOG%" echo cluster: resource Online Pending
call :table
exit /b 0

:checkpoint_restored
rem The whole subtree goes back to the checkpoint: what was added since (the Restore in
rem Progress key) is gone, what was there is as it was then.
"%SystemRoot%\system32\reg.exe" delete "HKLM\SYSTEM\CurrentControlSet\Services\%STUB_SERVICE%" /f >nul 2>&1
"%SystemRoot%\system32\reg.exe" import "%STUB_STATE%\checkpoint.reg" >nul 2>&1
"%SystemRoot%\system32\reg.exe" delete "HKLM\%STUB_KEY%" /f >nul 2>&1
>>"%STUB_LOG%" echo cluster: checkpoint of SYSTEM\CurrentControlSet\Services\%STUB_SERVICE% restored over the registry, Restore in Progress key deleted: -528, events 1002 and 1042
goto online_failed

:online_failed
>"%STATE_FILE%" echo Failed
set "STATE=Failed"
>>"%STUB_LOG%" echo cluster: resource Failed
call :table
echo.
echo System error 5038 has occurred.
echo The resource failed.
exit /b 5038

:no_cluster
echo System error 1722 has occurred.
echo The RPC server is unavailable.
exit /b 1722

:no_resource
echo System error 5007 has occurred.
echo The cluster resource could not be found.
exit /b 5007

:usage
echo The option is not valid for this stand-in.
exit /b 87

:table
set "WORD=%STATE%"
if /i not "%STUB_LANG%"=="fr" goto table_en
if "%STATE%"=="Online" set "WORD=En ligne"
if "%STATE%"=="Offline" set "WORD=Hors ligne"
if "%STATE%"=="Failed" set "WORD=En echec"
if "%STATE%"=="Online Pending" set "WORD=En ligne en attente"
echo Etat de la ressource '%STUB_RESOURCE%' :
echo.
echo Ressource            Groupe               Noeud           Etat
echo -------------------- -------------------- --------------- ------
goto table_row
:table_en
echo Listing status for resource '%STUB_RESOURCE%':
echo.
echo Resource             Group                Node            Status
echo -------------------- -------------------- --------------- ------
:table_row
call :pad C1 20 "%STUB_RESOURCE%"
call :pad C2 20 "%STUB_GROUP%"
call :pad C3 15 "%STUB_OWNER%"
echo %C1% %C2% %C3% %WORD%
goto :eof

:flip
set "STATE_NOW=%STATE%"
set "READS=0"
if exist "%STUB_STATE%\reads.txt" set /p READS=<"%STUB_STATE%\reads.txt"
set /a "READS+=1"
>"%STUB_STATE%\reads.txt" echo %READS%
for /f "tokens=1,* delims=:" %%a in ("%STUB_FLIP%") do (
    if "%%a"=="%READS%" set "STATE=%%b"
)
if not "%STATE%"=="%STATE_NOW%" >"%STATE_FILE%" echo %STATE%
goto :eof

:pad
rem Sets %1 to %3 padded with blanks to %2 characters, or to %3 itself when it is longer.
set "V=%~3"
set "P=%~3                    "
call set "P=%%P:~0,%2%%"
call set "X=%%V:~%2%%"
if defined X set "P=%V%"
set "%1=%P%"
goto :eof
