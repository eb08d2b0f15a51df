/*
 * A stand-in for the Exchange database engine, run as a real service under Wine, so the
 * generated script meets the behaviour KB Q188674 and Q200941 describe:
 * - started with the "Restore in Progress" key present, it replays the logs (START_PENDING for a
 *   moment), reports RUNNING, and a moment later deletes the key itself, as the real engine
 *   does once recovery succeeded;
 * - started without the key after a restore, it fails as -528 (JET_errMissingLogFile) and stops.
 * Settings come from HKLM\SOFTWARE\clusrestore-stub\engine (the test seeds them with reg add):
 *   Mode        consume (default); keep: recovers but never removes the key; crash: the
 *               replay fails and the service stops while START_PENDING, the key left in place;
 *   HoldMs      how long RUNNING lasts before the key is removed (default 1500), for tests
 *               that need the engine still busy when the script starts;
 *   LogFile     where each decision is appended, next to the other stand-ins' call log;
 *   RestoreKey  the key relative to HKLM, when the inventory names one other than the default
 *               SYSTEM\CurrentControlSet\Services\<service>\Restore in Progress.
 *
 * Build: x86_64-w64-mingw32-gcc -municode -Os -s -o engine.exe engine.c
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

#define JET_ERR_MISSING_LOG_FILE (-528)
#define STEP_MS 1500

static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static HANDLE stop_event;
static wchar_t service_name[257];
static wchar_t log_file[MAX_PATH];

static void report(DWORD state, DWORD win32_exit, DWORD specific_exit)
{
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    status.dwWin32ExitCode = win32_exit;
    status.dwServiceSpecificExitCode = specific_exit;
    status.dwCheckPoint = state == SERVICE_START_PENDING ? status.dwCheckPoint + 1 : 0;
    status.dwWaitHint = state == SERVICE_START_PENDING ? 10000 : 0;
    SetServiceStatus(status_handle, &status);
}

static void note(const wchar_t *text)
{
    if (!log_file[0]) return;
    FILE *f = _wfopen(log_file, L"a");
    if (!f) return;
    fwprintf(f, L"engine %ls: %ls\r\n", service_name, text);
    fclose(f);
}

static void setting(const wchar_t *name, wchar_t *out, DWORD chars)
{
    DWORD size = chars * sizeof(wchar_t);
    out[0] = L'\0';
    if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\clusrestore-stub\\engine", name,
                     RRF_RT_REG_SZ, NULL, out, &size) != ERROR_SUCCESS)
        out[0] = L'\0';
}

static DWORD WINAPI handler(DWORD control, DWORD type, void *data, void *context)
{
    (void)type; (void)data; (void)context;
    if (control == SERVICE_CONTROL_STOP) {
        SetEvent(stop_event);
        return NO_ERROR;
    }
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    /* A key of up to 512 characters below HKLM, as the inventory rules allow. */
    wchar_t mode[32], key[1024];
    if (argc > 0) wcsncpy(service_name, argv[0], 256);
    status_handle = RegisterServiceCtrlHandlerExW(service_name, handler, NULL);
    if (!status_handle) return;
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    setting(L"LogFile", log_file, MAX_PATH);
    setting(L"Mode", mode, 32);
    report(SERVICE_START_PENDING, NO_ERROR, 0);

    setting(L"RestoreKey", key, 1024);
    if (!key[0])
        _snwprintf(key, 1023, L"SYSTEM\\CurrentControlSet\\Services\\%ls\\Restore in Progress",
                   service_name);
    key[1023] = L'\0';
    HKEY h;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &h) != ERROR_SUCCESS) {
        note(L"no Restore in Progress key: soft recovery finds no consecutive logs, error -528, "
             L"event 1002; stopping");
        report(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, (DWORD)JET_ERR_MISSING_LOG_FILE);
        return;
    }
    RegCloseKey(h);
    note(L"Restore in Progress key found: replaying the restored logs");
    Sleep(STEP_MS);
    if (wcscmp(mode, L"crash") == 0) {
        note(L"replay failed: stopping while start pending, the key left in place");
        report(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, 1);
        return;
    }
    wchar_t hold[32];
    setting(L"HoldMs", hold, 32);
    DWORD hold_ms = hold[0] ? (DWORD)wcstoul(hold, NULL, 10) : STEP_MS;
    /* Each note is written before the change it announces, so a caller that reacts to the
       change always finds the note already in the log: the call log's order is deterministic. */
    note(L"running");
    report(SERVICE_RUNNING, NO_ERROR, 0);
    if (WaitForSingleObject(stop_event, hold_ms) == WAIT_TIMEOUT) {
        if (wcscmp(mode, L"keep") == 0) {
            note(L"recovery complete, but this engine keeps the Restore in Progress key");
        } else {
            note(L"recovery complete: deleting the Restore in Progress key");
            if (RegDeleteTreeW(HKEY_LOCAL_MACHINE, key) != ERROR_SUCCESS)
                note(L"the Restore in Progress key could not be deleted");
        }
    }
    WaitForSingleObject(stop_event, INFINITE);
    note(L"stopped");
    report(SERVICE_STOPPED, NO_ERROR, 0);
}

int wmain(void)
{
    SERVICE_TABLE_ENTRYW table[] = {{L"", service_main}, {NULL, NULL}};
    return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
