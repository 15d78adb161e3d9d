/** A row of panel tabs (Statistics' tables, Objects' lists): one selected, each with a test id. */
export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
  testId,
}: {
  tabs: readonly (readonly [T, string])[];
  value: T;
  onChange: (tab: T) => void;
  /** The data-testid prefix: `${testId}-${tab}`. */
  testId: string;
}) {
  return (
    <div className="st-tabs" role="tablist">
      {tabs.map(([t, label]) => (
        <button
          key={t}
          role="tab"
          aria-selected={value === t}
          className={'st-tab' + (value === t ? ' active' : '')}
          data-testid={`${testId}-${t}`}
          onClick={() => onChange(t)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
