// Tag colours (solid, white text) dark enough for axe's contrast: antd's preset light tags (green
// text on light green) fall short of 4.5:1.
export const TAG = {
  ok: '#237804',
  bad: '#a8071a',
  warn: '#ad4e00',
  muted: '#595959',
} as const;
