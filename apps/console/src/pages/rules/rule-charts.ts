// The backtest's chart, loaded with import() by the rule screen only (as pages/profile-charts.ts):
// ECharts stays out of every other screen's JavaScript.
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
  // The chart follows its box (the card changes width when alerts above it come and go, or the
  // language changes), not only the window.
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  return () => {
    observer.disconnect();
    chart.dispose();
  };
}
