@echo off
rem Stand-in for cluster.exe, reached through shim.exe copied as cluster.exe. It models one
rem resource of one cluster and the registry checkpoint that resource keeps of its service's key
rem (KB Q174070: written back over the registry whenever the resource comes online).
rem   STUB_CLUSTER, STUB_RESOURCE, STUB_GROUP, STUB_SERVICE  what exists
rem   STUB_OWNER     node that owns the group
rem   STUB_STATE     folder holding resource.txt, the resource state: Online, Offline or Failed
rem   STUB_ONLINE    fail: the resource fails to come online even when the checkpoint is harmless
rem   STUB_KEY       the Restore in Progress key, relative to HKLM
rem   STUB_LOG       every call and every checkpoint decision is appended here
rem Output follows the Windows Server 2003 cluster.exe status table; error texts are its wording.
setlocal EnableExtensions DisableDelayedExpansion
rem The calls this stand-in makes itself are not the script's: keep them out of the argv trace.
set "STUB_ARGV="
>>"%STUB_LOG%" echo cluster %*
set "STATE_FILE=%STUB_STATE%\resource.txt"
set /p STATE=<"%STATE_FILE%"

set "ARG=%~1"
set "ARG=%ARG:"=%"
if /i not "%ARG%"=="/cluster:%STUB_CLUSTER%" goto no_cluster
if /i not "%~2"=="resource" if /i not "%~2"=="res" goto usage
if /i not "%~3"=="%STUB_RESOURCE%" goto no_resource
if /i "%~4"=="/status" goto status
if /i "%~4"=="/stat" goto status
if /i "%~4"=="/online" goto online
if /i "%~4"=="/on" goto online
goto usage

:status
call :table
exit /b 0

:online
echo Bringing resource '%STUB_RESOURCE%' online...
echo.
sc query "%STUB_SERVICE%" | find "RUNNING" >nul
if errorlevel 1 goto checkpoint_restored
>>"%STUB_LOG%" echo cluster: checkpoint of SYSTEM\CurrentControlSet\Services\%STUB_SERVICE% not restored, the running service holds the key open: event 1024
if /i "%STUB_ONLINE%"=="fail" goto online_failed
>"%STATE_FILE%" echo Online
set "STATE=Online"
>>"%STUB_LOG%" echo cluster: resource Online
call :table
exit /b 0

:checkpoint_restored
reg delete "HKLM\%STUB_KEY%" /f >nul 2>&1
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
echo Listing status for resource '%STUB_RESOURCE%':
echo.
echo Resource             Group                Node            Status
echo -------------------- -------------------- --------------- ------
echo %STUB_RESOURCE% %STUB_GROUP%       %STUB_OWNER%         %STATE%
goto :eof
