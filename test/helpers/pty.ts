// Drives a program on a real pseudo-terminal (python3's pty module), as a person at a terminal:
// waits for the program's `> ` prompt before typing each line, then types Ctrl-D. Waits are
// deadlines on evidence (the prompt), never fixed sleeps.
import { spawn } from 'node:child_process';

const DRIVER = String.raw`
import json, os, pty, re, select, signal, sys, time
lines = json.loads(sys.argv[1])
deadline_s = float(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[3], sys.argv[3:])
out = b''
mark = 0
def wait_prompt():
    # A prompt printed after what was there when the last line was typed.
    global out
    end = time.time() + deadline_s
    while time.time() < end:
        # A prompt at the start of a line after the typed line; output may already follow it
        # (a reply printed after the prompt), so not only at the very end.
        if re.search(rb'(^|\n)> ', out[mark:]):
            return True
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            out += data
    return False
for line in lines:
    if not wait_prompt():
        break
    mark = len(out)
    os.write(fd, (line + '\n').encode())
wait_prompt()
# What the terminal shows from here on is its reaction to end of file, kept apart.
eof_mark = len(out)
# A line editor prints its prompt before it puts the terminal in raw mode. A Ctrl-D typed
# while the terminal is still canonical is echoed as ^D by the kernel and reaches the editor as
# a NUL byte once raw mode is on; the editor's line is then not empty and further Ctrl-Ds only
# ring the bell (seen with nsupdate 9.20's libedit). So until the terminal closes, every half
# second, the line is erased (Ctrl-U) and Ctrl-D typed again.
end = time.time() + deadline_s
next_eof = time.time() + 0.5
os.write(fd, b'\x04')
while time.time() < end:
    if time.time() >= next_eof:
        try:
            os.write(fd, b'\x15\x04')
        except OSError:
            break
        next_eof = time.time() + 0.5
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
# Never wait for ever: a program still running after its deadline is killed (the test then
# fails on what it printed, instead of timing out).
# The terminal's end of file can come before the program has exited: wait for it until the
# deadline, polling.
done, status = os.waitpid(pid, os.WNOHANG)
while done == 0 and time.time() < end:
    time.sleep(0.05)
    done, status = os.waitpid(pid, os.WNOHANG)
if done == 0:
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
print(json.dumps({'output': out[:eof_mark].decode('utf-8', 'replace'), 'afterEof': out[eof_mark:].decode('utf-8', 'replace'), 'status': os.waitstatus_to_exitcode(status)}))
`;

export interface PtyResult {
  /** Everything the terminal showed (stdout, stderr and the echo of typed lines), `\r` removed. */
  readonly output: string;
  /** What the terminal showed after the first Ctrl-D: echoes, bells, line redraws, output. */
  readonly afterEof: string;
  readonly exitCode: number;
}

/** Runs `command args…` on a pseudo-terminal, typing `lines` one at a time at its prompts. */
export function runOnTerminal(
  command: string,
  args: readonly string[],
  lines: readonly string[],
  promptDeadlineMs = 30_000,
): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'python3',
      ['-c', DRIVER, JSON.stringify(lines), String(promptDeadlineMs / 1000), command, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const parsed = JSON.parse(stdout) as { output: string; afterEof: string; status: number };
        resolve({
          output: parsed.output.replaceAll('\r', ''),
          afterEof: parsed.afterEof.replaceAll('\r', ''),
          exitCode: parsed.status,
        });
      } catch {
        reject(new Error(`pty driver failed: ${stderr}`));
      }
    });
  });
}
