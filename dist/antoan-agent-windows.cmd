@echo off
rem ===========================================================================
rem antoan agent for Windows PCs: collect, audit, sign, send (see WINDOWS-SERVICE.md).
rem Tác tử antoan cho máy Windows: thu thập, kiểm tra, ký, gửi.
rem
rem   antoan-agent-windows.cmd          one run (Task Scheduler)
rem   antoan-agent-windows.cmd loop     run every 6 h + up to 30 min random delay (NSSM service)
rem
rem Run as SYSTEM or Administrator. Exit code: 0 all delivered, 1 reports still
rem waiting in the spool (sent by the next run, in order), 2 error.
rem ===========================================================================
setlocal EnableExtensions
set "HERE=%~dp0"
set "ANTOAN=%HERE%antoan.exe"
set "STATE=%ProgramData%\antoan\agent"
set "EXPORT=%ProgramData%\antoan\export"
set "LOG=%STATE%\last-run.log"

if /i "%~1"=="loop" goto loop
call :once
exit /b %RC%

:loop
call :once
rem 6 hours plus a random delay of up to 30 minutes.
set /a WAIT=21600 + (%RANDOM% %% 1800)
timeout /t %WAIT% /nobreak >nul
goto loop

:once
if exist "%EXPORT%" rmdir /s /q "%EXPORT%"
call "%HERE%collect-windows.cmd" "%EXPORT%" /nosam >"%LOG%" 2>&1
if errorlevel 1 (
    echo antoan: thu thập thất bại / collection failed >>"%LOG%"
    set RC=2
    goto :eof
)
"%ANTOAN%" agent run --once --state-dir "%STATE%" --windows-export "%EXPORT%" >>"%LOG%" 2>&1
set RC=%ERRORLEVEL%
rmdir /s /q "%EXPORT%"
goto :eof
