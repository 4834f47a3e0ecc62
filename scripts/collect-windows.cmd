@echo off
rem ===========================================================================
rem antoan: thu thập dữ liệu kiểm tra máy Windows / collect a Windows PC for
rem         `antoan audit --windows-export DIR`.
rem
rem Chạy bằng quyền Administrator (chuột phải → Run as administrator):
rem Run as Administrator:
rem     collect-windows.cmd [OUTPUT-FOLDER] [/nosam]
rem
rem Output folder (default: antoan-%COMPUTERNAME% beside this script):
rem   SOFTWARE, SYSTEM, SAM, SECURITY   hive files (reg save)
rem   SOFTWARE.reg, SYSTEM.reg          only when reg save failed (reg export)
rem   NTUSER-<SID>.DAT                  hives of logged-on users, this one included (reg save HKU\<SID>)
rem   NTUSER-<profile>.DAT              hives of users not logged on (copied from C:\Users\<profile>)
rem   net-accounts.txt                  `net accounts` (password and lockout policy)
rem   secedit.inf                       `secedit /export` (security policy, audit policy)
rem   systeminfo.txt                    `systeminfo` (for people; antoan does not need it)
rem   Tasks\                            copy of %SystemRoot%\System32\Tasks (scheduled tasks)
rem   Wi-Fi-*.xml                       `netsh wlan export profile` (saved Wi-Fi networks; the key stays
rem                                     encrypted, and antoan reads only the network name, SSID)
rem
rem CẢNH BÁO / WARNING: SAM + SYSTEM chứa băm mật khẩu (mã hóa bằng khóa trong
rem SYSTEM). Bảo quản thư mục như mật khẩu, xóa sau khi kiểm tra. antoan không
rem đọc băm mật khẩu. Dùng /nosam để bỏ SAM và SECURITY (khi đó không kiểm tra
rem được tài khoản cục bộ).
rem SAM + SYSTEM hold password hashes (encrypted with a key kept in SYSTEM).
rem Keep the folder like a password and delete it after the audit. antoan never
rem reads the hashes. /nosam leaves out SAM and SECURITY (local accounts are
rem then not assessed).
rem ===========================================================================
setlocal EnableExtensions
set "OUT=%~1"
set "NOSAM="
if /i "%~1"=="/nosam" (set "OUT=" & set "NOSAM=1")
if /i "%~2"=="/nosam" set "NOSAM=1"
if "%OUT%"=="" set "OUT=%~dp0antoan-%COMPUTERNAME%"

net session >nul 2>&1
if errorlevel 1 (
    echo Can chay bang quyen Administrator / Run this as Administrator.
    exit /b 2
)

if not exist "%OUT%" mkdir "%OUT%"
echo antoan: thu thap vao / collecting into "%OUT%"

for %%H in (SOFTWARE SYSTEM) do (
    reg save HKLM\%%H "%OUT%\%%H" /y >nul 2>&1
    if not exist "%OUT%\%%H" reg export HKLM\%%H "%OUT%\%%H.reg" /y >nul 2>&1
)
if not defined NOSAM (
    reg save HKLM\SAM "%OUT%\SAM" /y >nul 2>&1
    reg save HKLM\SECURITY "%OUT%\SECURITY" /y >nul 2>&1
)
rem Users' hives (screen-saver lock, per-user programs and autoruns):
rem loaded ones (logged-on users) through reg save, the others copied from
rem their profile folders (a loaded hive is locked, so it is not copied twice).
for /f "tokens=*" %%K in ('reg query HKU 2^>nul ^| findstr /r /c:"\\S-1-5-21-[0-9-]*$"') do (
    reg save "%%K" "%OUT%\NTUSER-%%~nxK.DAT" /y >nul 2>&1
)
for /d %%U in ("%SystemDrive%\Users\*") do (
    if exist "%%U\NTUSER.DAT" if not exist "%OUT%\NTUSER-%%~nxU.DAT" copy /y "%%U\NTUSER.DAT" "%OUT%\NTUSER-%%~nxU.DAT" >nul 2>&1
)

net accounts > "%OUT%\net-accounts.txt" 2>&1
secedit /export /cfg "%OUT%\secedit.inf" /quiet >nul 2>&1
systeminfo /fo list > "%OUT%\systeminfo.txt" 2>&1
robocopy "%SystemRoot%\System32\Tasks" "%OUT%\Tasks" /E /R:0 /W:0 /NFL /NDL /NJH /NJS >nul 2>&1
rem No wireless service on the PC: netsh fails and nothing is written.
netsh wlan export profile folder="%OUT%" >nul 2>&1

echo.
echo Xong / Done. Chep thu muc nay sang may co antoan va chay / copy this folder and run:
echo     antoan audit --windows-export "%OUT%"
endlocal
exit /b 0
