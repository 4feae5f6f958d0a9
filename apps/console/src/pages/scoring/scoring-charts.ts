// The scoring screen's chart, loaded with import() when a finished run's summary mounts: ECharts
// (only the parts drawn here) stays out of every other screen's JavaScript.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  TooltipComponent,
  type AriaComponentOption,
  type GridComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | TooltipComponentOption | AriaComponentOption
>;

export type Dispose = () => void;

export interface ClassColumn {
  label: string;
  count: number;
  color: string;
}

// One bar per class, A to D, each in its class colour, the count above it.
export function drawClassBars(el: HTMLElement, columns: ClassColumn[], description: string): Dispose {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  chart.setOption({
    aria: { enabled: true, label: { description } },
    animation: false,
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: columns.map((c) => c.label), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        barMaxWidth: 56,
        label: { show: true, position: 'top', color: '#1f1f1f' },
        data: columns.map((c) => ({ value: c.count, itemStyle: { color: c.color } })),
      },
    ],
  } satisfies Option);
  const resize = () => chart.resize();
  window.addEventListener('resize', resize);
  return () => {
    window.removeEventListener('resize', resize);
    chart.dispose();
  };
}
