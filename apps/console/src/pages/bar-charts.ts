// The bar charts of the home screen (regions) and of a rule's backtest (alerts per department per
// week), loaded with import() by those screens only: ECharts (only the parts drawn here) stays out of
// the first screen's JavaScript. Ranked bars, not a map: a map of China may only be published on a
// standard base map with its review number.
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
import { follow, type Dispose } from './chart-mount';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | AriaComponentOption
>;

export type { Dispose };

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
  return follow(chart, el);
}

// Colours distinguishable from each other and dark enough on white.
const PALETTE = ['#0958d9', '#d4380d', '#389e0d', '#722ed1', '#c41d7f', '#08979c', '#ad6800', '#531dab'];

export interface DepartmentSeries {
  name: string; // the department, as shown
  counts: number[]; // per week, in the order of `weeks`
}

// 各部门每周预警: one stacked bar per ISO week, a segment per department.
export function drawDepartmentWeeks(
  el: HTMLElement,
  weeks: string[],
  series: DepartmentSeries[],
  description: string,
): Dispose {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const option: Option = {
    aria: { enabled: true, label: { description } },
    animation: false,
    color: PALETTE,
    legend: { top: 0, type: 'scroll', textStyle: { color: '#262626' } },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: weeks, axisLabel: { color: '#262626' } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#262626' } },
    series: series.map((s) => ({
      type: 'bar',
      stack: 'alerts',
      name: s.name,
      data: s.counts,
      barMaxWidth: 48,
    })),
  };
  chart.setOption(option);
  return follow(chart, el);
}
