import { screen } from '@testing-library/react';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ReEvaluateButton } from './ReEvaluateButton';

// Its own file: usePermission caches decisions for the module's lifetime.
describe('ReEvaluateButton', () => {
  it('is hidden without paved-road.scorecards.evaluate', async () => {
    await renderWithApis(
      <>
        <span>ready</span>
        <ReEvaluateButton
          entityRef="component:default/orders-api"
          onDone={() => {}}
        />
      </>,
      { allowEvaluate: false },
    );
    expect(await screen.findByText('ready')).toBeInTheDocument();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(
      screen.queryByRole('button', { name: 'Re-evaluate' }),
    ).not.toBeInTheDocument();
  });
});
