import { Skeleton } from 'antd';
import { useEffect, useRef, useState } from 'react';

/**
 * Apache ECharts, loaded on demand (its own chunk, only the chart types used), resized with
 * its container. `label` is the chart's accessible name.
 */
type Option = Record<string, unknown>;
type Chart = { setOption(o: Option, notMerge?: boolean): void; resize(): void; dispose(): void };

let lib: Promise<{ init: (el: HTMLElement) => Chart }> | undefined;
function loadECharts() {
  lib ??= (async () => {
    const [core, charts, components, renderers] = await Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]);
    core.use([charts.BarChart, charts.LineChart, charts.FunnelChart, components.GridComponent, components.TooltipComponent, components.LegendComponent, components.TitleComponent, renderers.SVGRenderer]);
    return { init: (el: HTMLElement) => core.init(el, undefined, { renderer: 'svg', locale: 'ZH' }) as unknown as Chart };
  })();
  return lib;
}

export default function EChart({ option, height = 320, label }: { option: Option; height?: number; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart>(undefined);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let disposed = false;
    const ro = new ResizeObserver(() => chart.current?.resize());
    void loadECharts().then(({ init }) => {
      if (disposed || !ref.current) return;
      chart.current = init(ref.current);
      ro.observe(ref.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      ro.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, []);
  useEffect(() => {
    // No animation: figures are read, not watched (and screenshots show the final chart).
    if (ready) chart.current?.setOption({ animation: false, ...option }, true);
  }, [ready, option]);
  return (
    <div role="img" aria-label={label} style={{ position: 'relative', width: '100%', height }}>
      {!ready && <Skeleton active />}
      <div ref={ref} data-chart-ready={ready ? 'true' : 'false'} style={{ position: 'absolute', inset: 0 }} />
    </div>
  );
}
