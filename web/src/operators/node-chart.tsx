import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One series over time: x in epoch seconds. */
export interface ChartSeries {
  label: string;
  values: number[];
}

/** A small live line chart (uPlot): created once, fed new data on every render. */
export function NodeChart({ title, times, series }: { title: string; times: number[]; series: ChartSeries[] }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    const colors = ['#2563eb', '#dc2626', '#059669'];
    chart.current = new uPlot({
      title, width: Math.min(box.current!.clientWidth || 600, 720), height: 180,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: colors[i % colors.length]!, width: 2 }))],
      axes: [{}, { size: 60 }],
    }, [times, ...series.map((s) => s.values)], box.current!);
    return () => chart.current?.destroy();
  }, []);
  useEffect(() => {
    chart.current?.setData([times, ...series.map((s) => s.values)]);
  }, [times, series]);
  return <div class="ops-chart" ref={box} role="img" aria-label={title} />;
}
