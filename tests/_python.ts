/**
 * Runs a Python snippet with Debian's `/usr/bin/python3` (stdlib only), hands it `input` as
 * JSON on standard input and returns what it printed as JSON: how the tests compare this
 * module with what Python itself (configparser, `os.path.expandvars`) does.
 */
export async function pythonJson<T>(script: string, input: unknown): Promise<T> {
  const python = new Deno.Command("/usr/bin/python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = python.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  return JSON.parse(new TextDecoder().decode((await python.output()).stdout));
}
