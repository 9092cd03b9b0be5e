/**
 * Text from audit logs (summaries, user names, user agents) is attacker-controlled: before it reaches a
 * terminal, control characters (escape sequences could rewrite the screen) are shown as \xNN.
 */
export function terminalSafe(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
