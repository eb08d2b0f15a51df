@echo off
rem Stand-in for reg.exe on nodes that need one, reached through shim.exe copied as reg.exe in the
rem tools folder; it runs Wine's real reg.exe and changes only what its mode says:
rem   STUB_REG=deny-while-started  once the service is starting or running, reading the restore
rem       key or its parent fails as reg does for a key the caller may not read: "ERROR: Access
rem       is denied." and exit code 1 (reg /?: 0 success, 1 failure). The key is still there.
rem   STUB_REG=export-fails  reg export fails part-way: the file is created with its header, as
rem       reg writes as it goes, and reg ends with "ERROR: Access is denied." and exit code 1.
rem       A partial file is the worse case for a script that would only look for the file.
rem   STUB_REG=deny-key  from the start, reading or exporting the restore key fails with "ERROR:
rem       Access is denied." and exit code 1, while the key exists (an ACL on the key that the
rem       caller's token does not pass). Its parent still reads, and still lists the key among its
rem       subkeys: enumerating subkeys needs KEY_ENUMERATE_SUB_KEYS on the parent only
rem       (learn.microsoft.com, RegEnumKeyExW: "The key must have been opened with the
rem       KEY_ENUMERATE_SUB_KEYS access right"), not any right on the subkey.
rem   STUB_REG=deny-parent  as deny-key, and reading the parent fails the same way too.
rem   STUB_REG=gone-after-export  once the key's export succeeded, the key is deleted, as the
rem       checkpoint write-back deletes it when someone brings the resource online (KB Q188674)
rem       and takes it offline again between the script's checks and its service start: the
rem       resource reads Offline again, the key is gone.
rem   STUB_REG=back-before-online  the third read of the key that finds it gone (the two of the
rem       recovery wait's proof of absence, then the re-read before the online step) first finds
rem       it written again, as a second restore job started on the node would write it.
rem   STUB_REG=absent-once  the first read of the key while the service is RUNNING and the key
rem       still there answers as reg does for a missing key (exit code 1), and the read of the
rem       parent that follows lists no such subkey. No Microsoft source describes such a read:
rem       the two absent reads in a row are our own margin, and this mode holds the script to it.
setlocal EnableExtensions DisableDelayedExpansion
set "STUB_ARGV="
if /i "%STUB_REG%"=="export-fails" if /i "%~1"=="export" goto export_fails
set "K=%~2"
set "PARENT=HKLM\SYSTEM\CurrentControlSet\Services\%STUB_SERVICE%"
if /i "%STUB_REG%"=="deny-key" goto deny_key
if /i "%STUB_REG%"=="gone-after-export" if /i "%~1"=="export" goto gone_after_export
if /i "%STUB_REG%"=="back-before-online" if /i "%~1"=="query" goto back_before_online
if /i "%STUB_REG%"=="absent-once" if /i "%~1"=="query" goto absent_once
if /i "%STUB_REG%"=="deny-parent" goto deny_parent
if /i not "%STUB_REG%"=="deny-while-started" goto real
if /i not "%~1"=="query" goto real
rem The key itself, and its parent when it is the service's key (the default restore key).
if /i not "%K%"=="HKLM\%STUB_KEY%" if /i not "%K%"=="%PARENT%" goto real
"%SystemRoot%\system32\sc.exe" query "%STUB_SERVICE%" | find "STOPPED" >nul
if not errorlevel 1 goto real
goto denied

:deny_parent
if /i "%~1"=="query" if /i "%K%"=="%PARENT%" goto denied
:deny_key
if /i not "%~1"=="query" if /i not "%~1"=="export" goto real
if /i not "%K%"=="HKLM\%STUB_KEY%" goto real
rem Only while the key exists: a key the engine or the checkpoint removed reads as missing.
"%SystemRoot%\system32\reg.exe" query "%K%" >nul 2>&1
if errorlevel 1 goto real
:denied
>>"%STUB_LOG%" echo reg: access denied to %~2
echo ERROR: Access is denied.
exit /b 1

:gone_after_export
"%SystemRoot%\system32\reg.exe" %*
if errorlevel 1 exit /b %ERRORLEVEL%
if /i not "%K%"=="HKLM\%STUB_KEY%" exit /b 0
"%SystemRoot%\system32\reg.exe" delete "%K%" /f >nul 2>&1
>>"%STUB_LOG%" echo reg: the key was deleted after its export (the checkpoint written back)
exit /b 0

:back_before_online
if /i not "%K%"=="HKLM\%STUB_KEY%" goto real
rem The count is of the caller's own reads as they came out, not of a probe before them: the
rem engine may remove the key between a probe and the read, and Wine now and then cannot start
rem reg.exe at all (exit code 9009), which is not a read that found the key gone.
"%SystemRoot%\system32\reg.exe" %* >"%STUB_STATE%\bbo-out.txt" 2>"%STUB_STATE%\bbo-err.txt"
set "RC=%ERRORLEVEL%"
if not "%RC%"=="1" goto back_before_online_pass
set "N=0"
if exist "%STUB_STATE%\gone-reads.txt" set /p N=<"%STUB_STATE%\gone-reads.txt"
set /a N=N+1
>"%STUB_STATE%\gone-reads.txt" echo %N%
if not "%N%"=="3" goto back_before_online_pass
"%SystemRoot%\system32\reg.exe" add "%K%" /v "EDB Database recovered" /t REG_BINARY /d 00 /f >nul 2>&1
>>"%STUB_LOG%" echo reg: the key was written again (a second restore)
goto real
:back_before_online_pass
type "%STUB_STATE%\bbo-out.txt"
type "%STUB_STATE%\bbo-err.txt" 1>&2
exit /b %RC%

:absent_once
if exist "%STUB_STATE%\absent-once-done.txt" goto real
if exist "%STUB_STATE%\absent-once.txt" goto absent_once_parent
if /i not "%K%"=="HKLM\%STUB_KEY%" goto real
"%SystemRoot%\system32\reg.exe" query "%K%" >nul 2>&1
if errorlevel 1 goto real
"%SystemRoot%\system32\sc.exe" query "%STUB_SERVICE%" | find "RUNNING" >nul
if errorlevel 1 goto real
>"%STUB_STATE%\absent-once.txt" echo parent next
>>"%STUB_LOG%" echo reg: the key read as missing once
echo ERROR: The system was unable to find the specified registry key or value.
exit /b 1
:absent_once_parent
>"%STUB_STATE%\absent-once-done.txt" echo done
"%SystemRoot%\system32\reg.exe" %* | find /v /i "%STUB_KEY%"
exit /b 0

:export_fails
>"%~3" echo Windows Registry Editor Version 5.00
>>"%STUB_LOG%" echo reg: export failed part-way
echo ERROR: Access is denied.
exit /b 1

:real
"%SystemRoot%\system32\reg.exe" %*
exit /b %ERRORLEVEL%
