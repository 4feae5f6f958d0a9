import type { RuleState } from '../../lib/rule-form';

// Tag colours (solid, white text) dark enough for axe's contrast: antd's preset light tags (green
// text on light green) fall short of 4.5:1.
export const STATE_COLOR: Record<RuleState, string> = {
  draft: '#0958d9',
  published: '#237804',
  retiring: '#ad4e00',
  retired: '#595959',
};
export const SEVERITY_COLOR: Record<string, string> = {
  low: '#595959',
  medium: '#0958d9',
  high: '#ad4e00',
  critical: '#a8071a',
};
