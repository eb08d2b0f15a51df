@echo off
rem Stand-in for net.exe, reached through shim.exe copied as net.exe. Wine's net.exe has no
rem session command (it prints its usage and returns 0), so the elevation check is answered here:
rem STUB_ELEVATED=0 gives the Windows answer for a user without administrator rights, and
rem STUB_SERVER=stopped the answer when the Server service is stopped: net session needs it, and
rem fails with NERR_ServerNotStarted, 2114 (lmerr.h), whose text ends with NET HELPMSG 2114.
rem Every other command goes to the real net.exe by full path, never back through this stand-in.
setlocal EnableExtensions DisableDelayedExpansion
set "STUB_ARGV="
>>"%STUB_LOG%" echo net %*
if /i "%~1"=="session" goto session
"%SystemRoot%\system32\net.exe" %*
exit /b %ERRORLEVEL%

:session
if "%STUB_SERVER%"=="stopped" goto server_stopped
if "%STUB_ELEVATED%"=="0" goto denied
echo There are no entries in the list.
exit /b 0

:denied
echo System error 5 has occurred.
echo.
echo Access is denied.
exit /b 2

:server_stopped
echo The Server service is not started.
echo.
echo More help is available by typing NET HELPMSG 2114.
echo.
exit /b 2
