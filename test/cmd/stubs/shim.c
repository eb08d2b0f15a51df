/*
 * A console program that stands in for NAME.exe: it runs NAME.cmd from its own folder, or, when
 * there is no NAME.cmd, the real NAME.exe from the system folder.
 *
 * Why: under Wine a plain cluster.cmd is not found as "cluster.exe", and a batch file called
 * without "call" never returns to the script that ran it; a Unix script runs asynchronously.
 * A real PE program that waits for cmd fixes all three, so the generated script runs unchanged.
 * Forwarding to the real tool lets the same program sit in front of reg.exe and sc.exe to record
 * the arguments they get, without changing what they do.
 *
 * The raw command line is passed on untouched (no argv splitting and re-quoting), so the stub or
 * tool sees exactly the quoting the generated script wrote. When STUB_ARGV names a file, one line
 * is appended to it first: NAME, then each argument as [arg], split by CommandLineToArgvW, the
 * rule the tools' C runtime applies to build their argv. Exit codes of its own: 9001 when its path
 * cannot be resolved, 9002 when cmd or the tool cannot be started, so a broken shim never looks
 * like a stub answer.
 *
 * Build: x86_64-w64-mingw32-gcc -municode -Os -s -o NAME.exe shim.c -lshell32
 */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <wchar.h>

static void log_argv(const wchar_t *name)
{
    static wchar_t path[MAX_PATH];
    DWORD n = GetEnvironmentVariableW(L"STUB_ARGV", path, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) return;
    int argc = 0;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!argv) return;
    FILE *f = _wfopen(path, L"a");
    if (f) {
        fwprintf(f, L"%ls", name);
        for (int i = 1; i < argc; i++) fwprintf(f, L" [%ls]", argv[i]);
        fwprintf(f, L"\n");
        fclose(f);
    }
    LocalFree(argv);
}

int wmain(void)
{
    static wchar_t self[MAX_PATH], script[MAX_PATH + 8], sysdir[MAX_PATH], comspec[MAX_PATH],
        line[32768];
    DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) return 9001;
    wchar_t *dot = wcsrchr(self, L'.');
    wchar_t *slash = wcsrchr(self, L'\\');
    if (!dot || (slash && dot < slash)) return 9001;
    *dot = L'\0';
    const wchar_t *name = slash ? slash + 1 : self;
    log_argv(name);

    /* Skip our own program name, quoted or bare, then the blanks after it. */
    const wchar_t *rest = GetCommandLineW();
    if (*rest == L'"') {
        rest++;
        while (*rest && *rest != L'"') rest++;
        if (*rest) rest++;
    } else {
        while (*rest && *rest != L' ' && *rest != L'\t') rest++;
    }
    while (*rest == L' ' || *rest == L'\t') rest++;

    int len;
    _snwprintf(script, MAX_PATH + 7, L"%ls.cmd", self);
    script[MAX_PATH + 7] = L'\0';
    if (GetFileAttributesW(script) != INVALID_FILE_ATTRIBUTES) {
        if (!GetEnvironmentVariableW(L"ComSpec", comspec, MAX_PATH)) wcscpy(comspec, L"cmd.exe");
        /* /s: cmd strips only the outer pair of quotes, keeping the script's own quoting. */
        len = _snwprintf(line, 32767, L"\"%ls\" /d /s /c \"\"%ls\" %ls\"", comspec, script, rest);
    } else {
        UINT s = GetSystemDirectoryW(sysdir, MAX_PATH);
        if (s == 0 || s >= MAX_PATH) return 9002;
        len = _snwprintf(line, 32767, L"\"%ls\\%ls.exe\" %ls", sysdir, name, rest);
    }
    if (len < 0) return 9002;
    line[32767] = L'\0';

    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessW(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) return 9002;
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 9002;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}
