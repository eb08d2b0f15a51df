/*
 * A console program that stands in for NAME.exe by running NAME.cmd from its own folder.
 *
 * Why: under Wine a plain cluster.cmd is not found as "cluster.exe", and a batch file called
 * without "call" never returns to the script that ran it; a Unix script runs asynchronously.
 * A real PE program that waits for cmd fixes all three, so the generated script runs unchanged.
 *
 * The raw command line is passed on untouched (no argv splitting and re-quoting), so the stub
 * sees exactly the quoting the generated script wrote. Exit codes of its own: 9001 when its path
 * cannot be resolved, 9002 when cmd cannot be started, so a broken shim never looks like a stub
 * answer.
 *
 * Build: x86_64-w64-mingw32-gcc -municode -Os -s -o NAME.exe shim.c
 */
#include <windows.h>
#include <wchar.h>

int wmain(void)
{
    static wchar_t self[MAX_PATH], comspec[MAX_PATH], line[32768];
    DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) return 9001;
    wchar_t *dot = wcsrchr(self, L'.');
    wchar_t *slash = wcsrchr(self, L'\\');
    if (!dot || (slash && dot < slash)) return 9001;
    *dot = L'\0';

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

    if (!GetEnvironmentVariableW(L"ComSpec", comspec, MAX_PATH)) wcscpy(comspec, L"cmd.exe");
    /* /s: cmd strips only the outer pair of quotes, keeping the script's own quoting. */
    int len = _snwprintf(line, 32767, L"\"%ls\" /d /s /c \"\"%ls.cmd\" %ls\"", comspec, self, rest);
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
