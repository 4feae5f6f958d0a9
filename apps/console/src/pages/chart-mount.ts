import type { EChartsType } from 'echarts/core';

export type Dispose = () => void;

// A drawn chart follows its box — the window, and its container when the layout around it changes
// (a card filling in below, alerts coming and going, another language) — until disposed. Shared by
// the screens' chart modules (profile-charts, bar-charts), each loaded with import() by its screens.
export function follow(chart: EChartsType, el: HTMLElement, onClick?: (dataIndex: number) => void): Dispose {
  if (onClick) chart.on('click', (p) => onClick(p.dataIndex));
  const resize = () => chart.resize();
  window.addEventListener('resize', resize);
  const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(resize);
  observer?.observe(el);
  return () => {
    window.removeEventListener('resize', resize);
    observer?.disconnect();
    chart.dispose();
  };
}
