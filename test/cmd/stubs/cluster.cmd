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
rem                  may return while the resource is still Online Pending); stuck: /online
rem                  returns with the resource Online Pending and it stays so (a resource has
rem                  its PendingTimeout, 180 s by default, before the Resource Monitor fails it:
rem                  MSCS "Resource Common Properties"; longer than the script's online wait
rem                  in the test that uses it); service-dies: the
rem                  resource comes Online, then the service process ends (sc stop stands in for
rem                  it); the resource reads Online until the cluster's next IsAlive poll
rem                  (IsAlivePollInterval, 60 s by default for a Generic Service resource)
rem   STUB_LANG      fr: the status words and headers come out translated. They are message-table
rem                  strings (MSG_STATUS_*) that a localized Windows prints in its own language;
rem                  the French words here stand for any translation, they are not copied from one.
rem   STUB_FLIP      N:STATE: at the Nth status read the resource is found in STATE, as if an
rem                  operator or the cluster changed it between two reads of the script
rem   STUB_RESTART   N:before or N:after: the cluster's restart policy acts on a Failed resource
rem                  right before the table of the Nth status read is printed, or right after
rem                  it, the reads standing in for the time that passes. The resource common
rem                  properties it follows (learn.microsoft.com, MSCS "Resource Common
rem                  Properties"): RestartAction (STUB_RESTART_ACTION, default 2,
rem                  ClusterResourceRestartNotify; 0, ClusterResourceDontRestart, never
rem                  restarts), RestartThreshold (STUB_RESTART_THRESHOLD, default 3) restarts
rem                  within RestartPeriod (default 900000 ms, longer than any run here, so the
rem                  count is never reset), after which the resource stays Failed; on 2008 and
rem                  later RetryPeriodOnFailure (default 0x36EE80 ms, an hour) tries again, longer
rem                  than any run too. A restart calls the resource's Online entry point
rem                  ("RetryPeriodOnFailure": the Cluster Service restarts the resource by calling
rem                  its resource DLL's Online entry point), so it is an online like /online:
rem                  the checkpoint is written back first unless the running service holds the
rem                  key open. An Offline resource is never restarted.
rem   STUB_KEY       the Restore in Progress key, relative to HKLM
rem   deps.txt       in STUB_STATE, when there: one line per dependency, RESOURCE|DEPENDENCY|
rem                  STATE|NODE, all in the group STUB_GROUP (a resource and its dependencies
rem                  must be in the same group, MSDN "Resource Dependencies"). /listdep prints a
rem                  resource's direct dependencies as cluster.exe does (its source,
rem                  CResourceCmd::ListDependencies: the MSG_RESCMD_LISTDEP line "Listing
rem                  resource dependencies for 'NAME':", a blank line, the status header, then
rem                  one status row per resource of CLUSTER_RESOURCE_ENUM_DEPENDS); its STATE is
rem                  printed as given, so a word no table knows stands for a translated one.
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
if /i "%~3"=="/listdep" goto listdep
if /i "%~3"=="/listdependencies" goto listdep
if /i not "%~2"=="%STUB_RESOURCE%" goto no_resource
if /i "%~3"=="/status" goto status
if /i "%~3"=="/stat" goto status
if /i "%~3"=="/online" goto online
if /i "%~3"=="/on" goto online
goto usage

:status
set "READS=0"
if defined STUB_FLIP call :count_read
if not defined STUB_FLIP if defined STUB_RESTART call :count_read
if defined STUB_FLIP call :flip
if /i "%STUB_RESTART%"=="%READS%:before" call :restart
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
if /i "%STUB_RESTART%"=="%READS%:after" call :restart
exit /b 0

:online
echo Bringing resource '%STUB_RESOURCE%' online...
echo.
call :bring_online
call :table
if not "%STATE%"=="Failed" exit /b 0
echo.
echo System error 5038 has occurred.
echo The resource failed.
exit /b 5038

:restart
if not "%STATE%"=="Failed" (
    >>"%STUB_LOG%" echo cluster: restart policy: the resource is %STATE%, not Failed: nothing to restart
    goto :eof
)
set "ACTION=2"
if defined STUB_RESTART_ACTION set "ACTION=%STUB_RESTART_ACTION%"
set "THRESHOLD=3"
if defined STUB_RESTART_THRESHOLD set "THRESHOLD=%STUB_RESTART_THRESHOLD%"
if "%ACTION%"=="0" (
    >>"%STUB_LOG%" echo cluster: restart policy: RestartAction 0, the Failed resource is not restarted
    goto :eof
)
set "RESTARTS=0"
if exist "%STUB_STATE%\restarts.txt" set /p RESTARTS=<"%STUB_STATE%\restarts.txt"
if %RESTARTS% GEQ %THRESHOLD% (
    >>"%STUB_LOG%" echo cluster: restart policy: RestartThreshold %THRESHOLD% reached within RestartPeriod, the resource stays Failed
    goto :eof
)
set /a "RESTARTS+=1"
>"%STUB_STATE%\restarts.txt" echo %RESTARTS%
>>"%STUB_LOG%" echo cluster: restart policy brings the Failed resource online, restart %RESTARTS% of RestartThreshold %THRESHOLD%, RestartAction %ACTION%
call :bring_online
goto :eof

:bring_online
rem An online, by /online or by the restart policy: the resource DLL's Online entry point.
"%SystemRoot%\system32\sc.exe" query "%STUB_SERVICE%" | find "RUNNING" >nul
if errorlevel 1 goto checkpoint_restored
>>"%STUB_LOG%" echo cluster: checkpoint of SYSTEM\CurrentControlSet\Services\%STUB_SERVICE% not restored, the running service holds the key open: event 1024
if /i "%STUB_ONLINE%"=="fail" goto online_failed
if /i "%STUB_ONLINE%"=="pending" goto online_pending
if /i "%STUB_ONLINE%"=="stuck" goto online_stuck
>"%STATE_FILE%" echo Online
set "STATE=Online"
>>"%STUB_LOG%" echo cluster: resource Online
if /i "%STUB_ONLINE%"=="service-dies" (
    "%SystemRoot%\system32\sc.exe" stop "%STUB_SERVICE%" >nul 2>&1
    >>"%STUB_LOG%" echo cluster: the service ended after the resource came online
)
goto :eof

:online_pending
>"%STATE_FILE%" echo Online Pending
>"%PENDING_FILE%" echo 2
set "STATE=Online Pending"
>>"%STUB_LOG%" echo cluster: resource Online Pending
goto :eof

:online_stuck
rem No countdown file: the status reads find it Online Pending for as long as the test runs.
>"%STATE_FILE%" echo Online Pending
set "STATE=Online Pending"
>>"%STUB_LOG%" echo cluster: resource Online Pending, and it stays so
goto :eof

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
goto :eof

:listdep
set "OF=%~2"
set "DEPS=%STUB_STATE%\deps.txt"
set "KNOWN="
if /i "%OF%"=="%STUB_RESOURCE%" set "KNOWN=1"
if exist "%DEPS%" for /f "usebackq tokens=1,2 delims=|" %%a in ("%DEPS%") do (
    if /i "%%b"=="%OF%" set "KNOWN=1"
)
if not defined KNOWN goto no_resource
rem Names may hold parentheses: the lines naming them stay outside blocks and after no if.
if /i "%STUB_LANG%"=="fr" goto listdep_fr
echo Listing resource dependencies for '%OF%':
goto listdep_table
:listdep_fr
echo Liste des dependances de la ressource '%OF%' :
:listdep_table
echo.
call :header
if exist "%DEPS%" for /f "usebackq tokens=1-4 delims=|" %%a in ("%DEPS%") do (
    if /i "%%a"=="%OF%" call :row "%%b" "%%d" "%%c"
)
exit /b 0

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
if /i "%STUB_LANG%"=="fr" goto table_fr
echo Listing status for resource '%STUB_RESOURCE%':
goto table_rows
:table_fr
echo Etat de la ressource '%STUB_RESOURCE%' :
:table_rows
echo.
call :header
call :row "%STUB_RESOURCE%" "%STUB_OWNER%" "%STATE%"
goto :eof

:header
rem MSG_RESOURCE_STATUS_HEADER of cluster.exe's message table.
if /i "%STUB_LANG%"=="fr" (
    echo Ressource            Groupe               Noeud           Etat
) else (
    echo Resource             Group                Node            Status
)
echo -------------------- -------------------- --------------- ------
goto :eof

:row
rem MSG_RESOURCE_STATUS: %1!-20s! %2!-20s! %3!-15s! %4, name, group, node and state word.
set "WORD=%~3"
if /i not "%STUB_LANG%"=="fr" goto row_print
if "%~3"=="Online" set "WORD=En ligne"
if "%~3"=="Offline" set "WORD=Hors ligne"
if "%~3"=="Failed" set "WORD=En echec"
if "%~3"=="Online Pending" set "WORD=En ligne en attente"
:row_print
call :pad C1 20 "%~1"
call :pad C2 20 "%STUB_GROUP%"
call :pad C3 15 "%~2"
echo %C1% %C2% %C3% %WORD%
goto :eof

:count_read
if exist "%STUB_STATE%\reads.txt" set /p READS=<"%STUB_STATE%\reads.txt"
set /a "READS+=1"
>"%STUB_STATE%\reads.txt" echo %READS%
goto :eof

:flip
set "STATE_NOW=%STATE%"
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
