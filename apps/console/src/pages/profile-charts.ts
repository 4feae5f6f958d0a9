// The profile's charts, loaded with import() by the profile only: ECharts (only the parts drawn here,
// through echarts/core) stays out of every other screen's JavaScript.
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  MarkAreaComponent,
  TooltipComponent,
  type AriaComponentOption,
  type GridComponentOption,
  type MarkAreaComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { follow, type Dispose } from './chart-mount';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  MarkAreaComponent,
  AriaComponent,
  CanvasRenderer,
]);

type Option = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | MarkAreaComponentOption
  | AriaComponentOption
>;

export type { Dispose };

function mount(el: HTMLElement, option: Option, onClick?: (dataIndex: number) => void): Dispose {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  chart.setOption(option);
  return follow(chart, el, onClick);
}

const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

export interface WaterfallBar {
  label: string;
  from: number;
  to: number;
  points: number;
  color: string;
  total?: boolean;
}

// 评分构成: horizontal bars from the running sum before a step to after it (an invisible bar holds
// the start), ending on the score.
export function drawWaterfall(el: HTMLElement, bars: WaterfallBar[], description: string): Dispose {
  return mount(el, {
    aria: { enabled: true, label: { description } },
    animation: false,
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const b = bars[(p as { dataIndex: number }).dataIndex];
        return b ? `${b.label}<br/>${b.total ? b.points : signed(b.points)} (${b.from} → ${b.to})` : '';
      },
    },
    xAxis: { type: 'value' },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => b.label),
      axisLabel: { width: 200, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        stack: 'waterfall',
        silent: true,
        itemStyle: { color: 'transparent' },
        data: bars.map((b) => Math.min(b.from, b.to)),
      },
      {
        type: 'bar',
        stack: 'waterfall',
        data: bars.map((b) => ({
          value: Math.round(Math.abs(b.to - b.from) * 100) / 100,
          itemStyle: { color: b.color },
        })),
        label: {
          show: true,
          position: 'right',
          formatter: (p) => {
            const b = bars[p.dataIndex];
            return b ? (b.total ? String(b.points) : signed(b.points)) : '';
          },
        },
      },
    ],
  });
}

export interface HistoryPoint {
  label: string; // the date shown on the axis
  score: number;
  color: string; // its class's colour
}

export interface Band {
  label: string;
  from: number;
  to: number;
  color: string;
}

// 评分历史: scores oldest first over bands of the classes; a click picks a point (to compare).
export function drawHistory(
  el: HTMLElement,
  points: HistoryPoint[],
  bands: Band[],
  range: { min: number; max: number },
  description: string,
  onPick: (index: number) => void,
): Dispose {
  return mount(
    el,
    {
      aria: { enabled: true, label: { description } },
      animation: false,
      grid: { left: 8, right: 72, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: points.map((p) => p.label), boundaryGap: false },
      yAxis: { type: 'value', min: range.min, max: range.max },
      series: [
        {
          type: 'line',
          symbolSize: 9,
          data: points.map((p) => ({ value: p.score, itemStyle: { color: p.color } })),
          lineStyle: { color: '#595959' },
          markArea: {
            silent: true,
            label: { position: 'right', color: '#595959' },
            data: bands.map((b) => [
              { yAxis: b.from, name: b.label, itemStyle: { color: b.color, opacity: 0.08 } },
              { yAxis: b.to },
            ]),
          },
        },
      ],
    },
    onPick,
  );
}
