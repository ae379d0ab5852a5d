import { parseVersion, templateDrift } from './versions';

describe('templateDrift', () => {
  it('compares as semver, not as strings', () => {
    expect(templateDrift('1.10.0', '1.9.0').status).toBe('ahead');
    expect(templateDrift('1.9.0', '1.10.0')).toEqual({
      status: 'minor',
      inUse: '1.9.0',
      latest: '1.10.0',
      majorsBehind: 0,
      minorsBehind: 1,
    });
  });

  it('classifies current, patch, minor and major drift', () => {
    expect(templateDrift('2.3.0', '2.3.0').status).toBe('current');
    expect(templateDrift('v2.3.0', '2.3.1').status).toBe('patch');
    expect(templateDrift('2.1.4', '2.3.0')).toMatchObject({
      status: 'minor',
      minorsBehind: 2,
    });
    expect(templateDrift('1.8.0', '3.0.0')).toMatchObject({
      status: 'major',
      majorsBehind: 2,
    });
  });

  it('names the bad value', () => {
    expect(() => templateDrift('two', '2.0.0')).toThrow(
      "template version in use must be a semantic version such as 2.3.0, got 'two'",
    );
    expect(() => parseVersion('1.2', 'spec.version')).toThrow(/spec\.version/);
  });
});
