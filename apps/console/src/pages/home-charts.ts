// The home screen's chart, loaded with import() when the regions card mounts: ECharts (only the parts
// drawn here) stays out of the first screen's JavaScript. Ranked bars, not a map: a map of China may
// only be published on a standard base map with its review number.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type AriaComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | AriaComponentOption
>;

export type Dispose = () => void;

export interface RegionBar {
  label: string;
  C: number;
  D: number;
}

// C and D stacked per region, the region with the most first (at the top).
export function drawRegionBars(
  el: HTMLElement,
  bars: RegionBar[],
  names: { C: string; D: string },
  colors: { C: string; D: string },
  description: string,
): Dispose {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  chart.setOption({
    aria: { enabled: true, label: { description } },
    animation: false,
    legend: { top: 0, data: [names.C, names.D] },
    grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => b.label),
      axisLabel: { width: 140, overflow: 'truncate' },
    },
    series: (['C', 'D'] as const).map((k) => ({
      name: names[k],
      type: 'bar',
      stack: 'cd',
      barMaxWidth: 22,
      itemStyle: { color: colors[k] },
      data: bars.map((b) => b[k]),
    })),
  } satisfies Option);
  const resize = () => chart.resize();
  window.addEventListener('resize', resize);
  return () => {
    window.removeEventListener('resize', resize);
    chart.dispose();
  };
}
